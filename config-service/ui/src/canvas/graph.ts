import type { Edge, Node } from "@xyflow/react";
import { KNOWN_SIGNAL_TYPES } from "../signalTypes";
import type { Config } from "../types";
import { ROLE_LABELS } from "../forms/MappingForm";

// Node ids carry their kind, so a connection tells what it links without a lookup.
export const signalNodeId = (type: string) => "signal:" + type;
export const intentNodeId = (id: string) => "intent:" + id;
export const accountNodeId = (id: string) => "account:" + id;
export const EVERY_INTENT = "*";

export function parseNodeId(id: string): { kind: "signal" | "intent" | "account"; key: string } {
  const i = id.indexOf(":");
  return { kind: id.slice(0, i) as "signal" | "intent" | "account", key: id.slice(i + 1) };
}

export type NodeData = { label: string; sub?: string; tone?: string };

const COLUMN = { signal: 0, intent: 380, account: 760 };
const ROW = 78;

/**
 * Three columns: signal types, intents (with "every intent"), ESP accounts. Positions the operator
 * dragged are kept across reloads of the config (they are a view, not stored anywhere).
 */
export function buildGraph(
  config: Config,
  extraSignals: string[],
  moved: Map<string, { x: number; y: number }>,
): { nodes: Node<NodeData>[]; edges: Edge[] } {
  const signals = new Map<string, string>();
  for (const s of KNOWN_SIGNAL_TYPES) signals.set(s.type, s.hint);
  for (const m of config.mappings) if (!signals.has(m.signal_type)) signals.set(m.signal_type, "custom");
  for (const s of extraSignals) if (!signals.has(s)) signals.set(s, "custom");

  const place = (id: string, x: number, i: number) => moved.get(id) ?? { x, y: i * ROW };
  const nodes: Node<NodeData>[] = [];
  [...signals.entries()].forEach(([type, hint], i) => {
    const id = signalNodeId(type);
    nodes.push({ id, type: "signal", position: place(id, COLUMN.signal, i), data: { label: type, sub: hint } });
  });
  const intents = [{ intent_id: EVERY_INTENT, name: "every intent", enabled: true }, ...config.intents];
  intents.forEach((it, i) => {
    const id = intentNodeId(it.intent_id);
    nodes.push({
      id,
      type: "intent",
      position: place(id, COLUMN.intent, i),
      data: { label: it.name, sub: it.intent_id, tone: it.intent_id === EVERY_INTENT ? "every" : it.enabled === false ? "disabled" : undefined },
    });
  });
  config.accounts.forEach((a, i) => {
    const id = accountNodeId(a.account_id);
    nodes.push({
      id,
      type: "account",
      position: place(id, COLUMN.account, i),
      data: { label: a.name, sub: `${a.esp} · ${a.account_id}`, tone: a.credential_set ? undefined : "warn" },
    });
  });

  const edges: Edge[] = [];
  for (const m of config.mappings) {
    const label =
      m.role === "hot_path" && m.weight != null ? `${ROLE_LABELS[m.role]} ×${m.weight}` : ROLE_LABELS[m.role];
    edges.push({
      id: "mapping:" + m.mapping_id,
      source: signalNodeId(m.signal_type),
      target: intentNodeId(m.intent_id ?? EVERY_INTENT),
      label,
      className: "edge-" + m.role,
      data: { kind: "mapping" },
    });
  }
  for (const b of config.bindings) {
    const ids = [b.campaign_id ?? b.canvas_id ?? b.workflow_id ?? b.event_name ?? b.transactional_message_id ?? b.metric_name, b.template_id]
      .filter(Boolean)
      .join(" · ");
    edges.push({
      id: "binding:" + b.binding_id,
      source: intentNodeId(b.intent_id),
      target: accountNodeId(b.account_id),
      label: (ids || b.binding_id) + (b.dry_run ? " (dry run)" : "") + (b.active === false ? " (inactive)" : ""),
      className: "edge-binding" + (b.active === false ? " edge-inactive" : ""),
      data: { kind: "binding" },
    });
  }
  return { nodes, edges };
}
