import { ref, type Ref } from 'vue'
import { mutate } from './api'

/** An item of a list that a confirmation dialog asks about: its id for the mutation, its name for the words. */
export interface ListedItem { id: string; name: string }

/**
 * A mutation on one listed item (revoke a token, delete a rule) run once the confirmation dialog is accepted:
 * `pending` is the item the dialog asks about, `done` reloads or reports, and a failure is shown in words in `error`.
 */
export function useConfirmedMutation(document: string, verb: string, done: (item: ListedItem) => unknown, error: Ref<string>) {
  const pending = ref<ListedItem | null>(null)
  async function run() {
    const item = pending.value
    if (!item) return
    error.value = ''
    try {
      await mutate(document, { id: item.id })
      await done(item)
    } catch (e) {
      error.value = `Could not ${verb} ${item.name}: ${(e as Error).message}`
    }
  }
  return { pending, run }
}
