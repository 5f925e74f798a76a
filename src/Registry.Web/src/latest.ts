import { ref, watch, type WatchSource } from 'vue'

/**
 * Loading state for a page whose requests may overlap (typing in a search box): only the newest request's answer or
 * error is applied, and `loading` shows while it runs.
 */
export function useLatest(initiallyLoading = true) {
  const loading = ref(initiallyLoading)
  const error = ref('')
  let sequence = 0
  async function run<T>(fetch: () => Promise<T>, apply: (value: T) => void): Promise<void> {
    const mine = ++sequence
    loading.value = true
    error.value = ''
    try {
      const value = await fetch()
      if (mine === sequence) apply(value)
    } catch (e) {
      if (mine === sequence) error.value = (e as Error).message
    } finally {
      if (mine === sequence) loading.value = false
    }
  }
  return { loading, error, run }
}

/** Calls `action` once the source has stopped changing for `ms` (a search box asks once typing pauses). */
export function watchDebounced(source: WatchSource, action: () => void, ms = 300): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(source, () => {
    clearTimeout(timer)
    timer = setTimeout(action, ms)
  })
}
