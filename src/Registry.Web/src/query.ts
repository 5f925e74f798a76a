import { shallowRef, type Ref } from 'vue'
import { useLatest } from './latest'

/**
 * A page's query: `data` is the newest answer (kept while a reload runs, null before the first), `loading` and `error`
 * say how the newest request went (an older answer arriving late is dropped), `reload` asks again. It runs at once
 * unless `immediate` is false (a page that waits for a watcher, say).
 */
export function useQuery<T>(fetch: () => Promise<T>, { immediate = true } = {}) {
  const { loading, error, run } = useLatest(immediate)
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const reload = () => run(fetch, (value) => { data.value = value })
  if (immediate) reload()
  return { data, loading, error, reload }
}
