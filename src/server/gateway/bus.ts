/**
 * The publish/subscribe seam between the switch and the sockets. In process today; a broker
 * (NATS, Redis) can carry the same topics across server processes without touching either side.
 */
import type { DeviceEvent } from '../switch/types.js';

export type Topic = `agent:${string}` | `call:${string}` | `device:${string}`;

export interface EventBus {
  publish(topic: Topic, message: DeviceEvent): void;
  subscribe(topic: Topic, handler: (message: DeviceEvent) => void): () => void;
}

export const agentTopic = (agentId: string): Topic => `agent:${agentId}`;
export const callTopic = (callId: string): Topic => `call:${callId}`;
export const deviceTopic = (extension: string): Topic => `device:${extension}`;

export class InProcessBus implements EventBus {
  // Copy on write: publishing iterates a list that a handler unsubscribing cannot change under it.
  readonly #handlers = new Map<Topic, readonly ((message: DeviceEvent) => void)[]>();

  publish(topic: Topic, message: DeviceEvent): void {
    const handlers = this.#handlers.get(topic);
    if (!handlers) return;
    for (const handler of handlers) handler(message);
  }

  /** True when somebody listens on the topic, so a publisher can skip building messages for nobody. */
  has(topic: Topic): boolean {
    return this.#handlers.has(topic);
  }

  subscribe(topic: Topic, handler: (message: DeviceEvent) => void): () => void {
    this.#handlers.set(topic, [...(this.#handlers.get(topic) ?? []), handler]);
    return () => {
      const remaining = (this.#handlers.get(topic) ?? []).filter((h) => h !== handler);
      if (remaining.length === 0) this.#handlers.delete(topic);
      else this.#handlers.set(topic, remaining);
    };
  }
}

/** Publishes every switch event under its device, its agent and (for call events) its call. */
export function publishDeviceEvent(bus: EventBus, message: DeviceEvent): void {
  bus.publish(deviceTopic(message.extension), message);
  if (message.agentId) bus.publish(agentTopic(message.agentId), message);
  const callId = (message.event as { pyCallId?: unknown }).pyCallId;
  if (typeof callId === 'string') bus.publish(callTopic(callId), message);
}
