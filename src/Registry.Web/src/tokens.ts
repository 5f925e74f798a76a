import { ref, type Ref } from 'vue'
import { mutate } from './api'

/** A date input's value (yyyy-mm-dd) as the end of that day in UTC, what GitLab's expiry dates mean; null for none. */
export function endOfDay(date: string): string | null {
  return date ? new Date(`${date}T23:59:59Z`).toISOString() : null
}

/** Revoking a listed token after the confirmation dialog: the revoke mutation, then the list again. */
export function useRevoke(revokeDocument: string, reload: () => Promise<void>, error: Ref<string>) {
  const pending = ref<{ id: string; name: string } | null>(null)
  async function revoke() {
    const token = pending.value
    if (!token) return
    error.value = ''
    try {
      await mutate(revokeDocument, { id: token.id })
      await reload()
    } catch (e) {
      error.value = `Could not revoke ${token.name}: ${(e as Error).message}`
    }
  }
  return { pending, revoke }
}
