/** Notes being written survive a reload: kept per call (localStorage, so every tab of the agent sees them) until wrap-up. */
import type { InteractionDraft } from '../components/interaction-form.js';

const key = (callId: string) => `opencti.desktop.draft.${callId}`;

export class DraftStore {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  load(callId: string): InteractionDraft | undefined {
    try {
      const value = JSON.parse(this.#storage.getItem(key(callId)) ?? 'null') as Partial<InteractionDraft> | null;
      if (value) return { notes: String(value.notes ?? ''), disposition: String(value.disposition ?? '') };
    } catch {
      // unreadable: none
    }
    return undefined;
  }

  save(callId: string, draft: InteractionDraft): void {
    this.#storage.setItem(key(callId), JSON.stringify(draft));
  }

  clear(callId: string): void {
    this.#storage.removeItem(key(callId));
  }
}
