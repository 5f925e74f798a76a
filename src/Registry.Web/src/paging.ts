import { reactive } from 'vue'

export const PAGE_SIZE = 20

export interface PageInfo { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null }

/** Cursor paging state for one list: first/after forward, last/before back. */
export function useCursorPaging() {
  const state = reactive<{ after: string | null; before: string | null; page: number }>({ after: null, before: null, page: 1 })
  return {
    state,
    variables: () => (state.before ? { last: PAGE_SIZE, before: state.before } : { first: PAGE_SIZE, after: state.after }),
    next(info: PageInfo) {
      state.after = info.endCursor
      state.before = null
      state.page++
    },
    previous(info: PageInfo) {
      state.before = info.startCursor
      state.after = null
      state.page--
    },
    reset() {
      state.after = null
      state.before = null
      state.page = 1
    },
  }
}
