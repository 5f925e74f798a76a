import { ref, type Ref } from 'vue'
import { mutate } from './api'
import type { TypedDocumentString } from './graphql/generated'

/** An item of a list that a confirmation dialog asks about: its id for the mutation, its name for the words. */
export interface ListedItem { id: string; name: string }

const done = { revoke: 'Revoked', delete: 'Deleted' } as const

/**
 * A mutation on one listed item (revoke a token, delete a rule) run once the confirmation dialog is accepted:
 * `pending` is the item the dialog asks about, `after` reloads, `notice` then says what was done ("Revoked ci."), and a
 * failure is shown in words in `error`.
 */
export function useConfirmedMutation(document: TypedDocumentString<object, { id: string }>, verb: keyof typeof done, after: (item: ListedItem) => unknown, error: Ref<string>) {
  const pending = ref<ListedItem | null>(null)
  const notice = ref('')
  async function run() {
    const item = pending.value
    if (!item) return
    error.value = ''
    notice.value = ''
    try {
      await mutate(document, { id: item.id })
      await after(item)
      notice.value = `${done[verb]} ${item.name}.`
    } catch (e) {
      error.value = `Could not ${verb} ${item.name}: ${(e as Error).message}`
    }
  }
  return { pending, run, notice }
}
