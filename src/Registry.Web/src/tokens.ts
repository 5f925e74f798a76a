import { ref, type Ref } from 'vue'
import { useConfirmedMutation } from './confirmed'
import type { TypedDocumentString } from './graphql/generated'

/** A date input's value (yyyy-mm-dd) as the end of that day in UTC, what GitLab's expiry dates mean; null for none. */
export function endOfDay(date: string): string | null {
  return date ? new Date(`${date}T23:59:59Z`).toISOString() : null
}

/** A date input's value as the start of that day in UTC: project and group access tokens stop working when their expiry date begins (GitLab's). */
export function startOfDay(date: string): string | null {
  return date ? `${date}T00:00:00Z` : null
}

/** A date input's default: this many days from today. */
export function daysFromToday(days: number): string {
  const d = new Date()
  d.setDate(d.getDate() + days)
  return d.toISOString().slice(0, 10)
}

/** Revoking a listed token after the confirmation dialog: the revoke mutation, the list again, then "Revoked <name>.". */
export function useRevoke(revokeDocument: TypedDocumentString<object, { id: string }>, reload: () => Promise<void>, error: Ref<string>) {
  const { pending, run, notice } = useConfirmedMutation(revokeDocument, 'revoke', reload, error)
  return { pending, revoke: run, notice }
}

/**
 * A page's "create token" form: checks that it has a name and a scope, runs `send` (the create mutation), keeps the
 * secret to show once, clears the name and reloads the list; the server's refusal is shown in words in `formError`.
 */
export function useCreateToken(form: { name: string; scopes: string[] }, send: () => Promise<{ token: string | null; username?: string | null }>,
  reload: () => Promise<void>) {
  const formError = ref('')
  const created = ref<{ token: string; username?: string | null } | null>(null)
  const busy = ref(false)
  async function create() {
    formError.value = ''
    created.value = null
    if (!form.name.trim()) return (formError.value = 'Give the token a name.')
    if (!form.scopes.length) return (formError.value = 'Select at least one scope.')
    busy.value = true
    try {
      const payload = await send()
      created.value = { token: payload.token ?? '', username: payload.username }
      form.name = ''
      await reload()
    } catch (e) {
      formError.value = (e as Error).message
    } finally {
      busy.value = false
    }
  }
  return { formError, created, busy, create }
}
