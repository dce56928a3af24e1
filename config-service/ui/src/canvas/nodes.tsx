import { Handle, Position, type NodeProps, type Node } from "@xyflow/react";
import type { NodeData } from "./graph";

// Handles take the canvas's connectable flag explicitly: a custom node's handles stay connectable
// otherwise, and a viewer could start drafts the API would refuse.
// Labels are rendered as React text children, never as HTML: an intent named with markup shows
// that markup as characters.

export function SignalNode({ data, isConnectable }: NodeProps<Node<NodeData>>) {
  return (
    <div className="node node-signal" title="drag to an intent to map this signal">
      <div className="node-label">{data.label}</div>
      {data.sub && <div className="node-sub">{data.sub}</div>}
      <Handle type="source" position={Position.Right} isConnectable={isConnectable} />
    </div>
  );
}

export function IntentNode({ data, isConnectable }: NodeProps<Node<NodeData>>) {
  return (
    <div className={"node node-intent" + (data.tone ? " node-" + data.tone : "")}>
      <Handle type="target" position={Position.Left} isConnectable={isConnectable} />
      <div className="node-label">{data.label}</div>
      {data.sub && <div className="node-sub">{data.sub}</div>}
      {/* "every intent" takes signal mappings only: bindings belong to one intent */}
      {data.tone !== "every" && <Handle type="source" position={Position.Right} isConnectable={isConnectable} />}
    </div>
  );
}

export function AccountNode({ data, isConnectable }: NodeProps<Node<NodeData>>) {
  return (
    <div className={"node node-account" + (data.tone ? " node-" + data.tone : "")}>
      <Handle type="target" position={Position.Left} isConnectable={isConnectable} />
      <div className="node-label">{data.label}</div>
      {data.sub && <div className="node-sub">{data.sub}</div>}
      {data.tone === "warn" && <div className="node-sub">no credential set</div>}
    </div>
  );
}

export const nodeTypes = { signal: SignalNode, intent: IntentNode, account: AccountNode };
