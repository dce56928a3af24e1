import {
  applyNodeChanges,
  Background,
  Controls,
  ReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeChange,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useEffect, useMemo, useRef, useState } from "react";
import { Api } from "../api";
import { SIGNAL_TYPE_PATTERN } from "../signalTypes";
import type { Config } from "../types";
import { buildGraph, EVERY_INTENT, parseNodeId, type NodeData } from "./graph";
import { nodeTypes } from "./nodes";
import { SidePanel, type Selection } from "./SidePanel";

/**
 * The mapping canvas: signal types → intents → ESP accounts. Dragging from a signal to an intent
 * drafts a signal mapping, from an intent to an account a binding; either is created only when the
 * operator saves the draft in the side panel, through the API.
 */
export function MappingCanvas(props: {
  api: Api;
  config: Config;
  editable: boolean;
  reload: () => Promise<void>;
}) {
  const { api, config, editable, reload } = props;
  const [selection, setSelection] = useState<Selection | null>(null);
  const [extraSignals, setExtraSignals] = useState<string[]>([]);
  const [newSignal, setNewSignal] = useState("");
  const moved = useRef(new Map<string, { x: number; y: number }>());
  const [nodes, setNodes] = useState<Node<NodeData>[]>([]);
  const [edges, setEdges] = useState<Edge[]>([]);

  useEffect(() => {
    const g = buildGraph(config, extraSignals, moved.current);
    setNodes(g.nodes);
    setEdges(g.edges);
  }, [config, extraSignals]);

  // Highlight what the side panel shows.
  const shownEdges = useMemo(
    () =>
      edges.map((e) =>
        selection && (selection.kind === "mapping" || selection.kind === "binding") && e.id === `${selection.kind}:${selection.id}`
          ? { ...e, selected: true, className: (e.className ?? "") + " edge-selected" }
          : e,
      ),
    [edges, selection],
  );

  const onNodesChange = (changes: NodeChange<Node<NodeData>>[]) => {
    for (const c of changes) if (c.type === "position" && c.position) moved.current.set(c.id, c.position);
    setNodes((ns) => applyNodeChanges(changes, ns));
  };

  const isValidConnection = (c: Connection | Edge) => {
    const s = parseNodeId(c.source);
    const t = parseNodeId(c.target);
    return (
      (s.kind === "signal" && t.kind === "intent") ||
      (s.kind === "intent" && t.kind === "account" && s.key !== EVERY_INTENT)
    );
  };

  const onConnect = (c: Connection) => {
    if (!editable) return;
    const s = parseNodeId(c.source);
    const t = parseNodeId(c.target);
    if (s.kind === "signal" && t.kind === "intent") setSelection({ kind: "new-mapping", signal: s.key, intent: t.key });
    else if (s.kind === "intent" && t.kind === "account") setSelection({ kind: "new-binding", intent: s.key, account: t.key });
  };

  const addSignal = () => {
    if (!SIGNAL_TYPE_PATTERN.test(newSignal)) return;
    setExtraSignals((x) => [...x, newSignal]);
    setNewSignal("");
  };

  return (
    <div className="canvas-page">
      <div className="canvas-main">
        <div className="toolbar">
          <button type="button" disabled={!editable} onClick={() => setSelection({ kind: "new-intent" })}>
            New intent
          </button>
          <span className="toolbar-group">
            <input
              aria-label="New signal type"
              placeholder="signal type, e.g. quiz_done"
              value={newSignal}
              onChange={(e) => setNewSignal(e.target.value.trim())}
              disabled={!editable}
            />
            <button type="button" disabled={!editable || !SIGNAL_TYPE_PATTERN.test(newSignal)} onClick={addSignal}>
              Add signal type
            </button>
          </span>
          <span className="muted">
            {editable
              ? "Drag from a signal to an intent to map it, from an intent to an ESP account to bind it."
              : "Read only: your token has the viewer role."}
          </span>
        </div>
        <div className="canvas" data-testid="canvas">
          <ReactFlow
            nodes={nodes}
            edges={shownEdges}
            nodeTypes={nodeTypes}
            onNodesChange={onNodesChange}
            onConnect={onConnect}
            isValidConnection={isValidConnection}
            nodesConnectable={editable}
            edgesFocusable
            deleteKeyCode={null}
            onNodeClick={(_, n) => {
              const { kind, key } = parseNodeId(n.id);
              if (kind === "intent" && key !== EVERY_INTENT) setSelection({ kind: "intent", id: key });
              else if (kind === "account") setSelection({ kind: "account", id: key });
              else if (kind === "signal") setSelection({ kind: "signal", type: key });
            }}
            onEdgeClick={(_, e) => {
              const i = e.id.indexOf(":");
              setSelection({ kind: e.id.slice(0, i) as "mapping" | "binding", id: e.id.slice(i + 1) });
            }}
            onPaneClick={() => setSelection(null)}
            fitView
            fitViewOptions={{ padding: 0.1 }}
            minZoom={0.3}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls showInteractive={false} />
          </ReactFlow>
        </div>
      </div>
      <aside className="side-panel" data-testid="side-panel">
        <SidePanel
          api={api}
          config={config}
          editable={editable}
          selection={selection}
          select={setSelection}
          reload={reload}
        />
      </aside>
    </div>
  );
}
