import { ref, type Ref } from 'vue'
import { mutate } from './api'

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
