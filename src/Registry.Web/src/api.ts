// The UI's only ways to the server: GraphQL at /api/graphql, the REST file URLs, and sign-in/out. Every write
// carries the session's CSRF token; every failure becomes an Error whose message a person can read.
import { reactive } from 'vue'
import type { TypedDocumentString } from './graphql/generated'

export const csrf = reactive({
  token: document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '',
})

export class ApiError extends Error {}

async function readError(response: Response): Promise<string> {
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text)
    if (typeof body?.message === 'string') return body.message
    if (typeof body?.error === 'string') return body.error
    if (Array.isArray(body?.errors) && body.errors.length) return body.errors.map((e: { message: string }) => e.message).join('; ')
  } catch {
    /* not JSON */
  }
  return `${response.status} ${response.statusText || 'error'}${text && text.length < 200 ? `: ${text}` : ''}`
}

/** The variables argument of a document: optional when the document needs none (all its variables may be left out). */
type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V]

/** Runs a document of src/graphql (its `<Name>Document` from graphql/generated.ts) and returns its typed result. */
export async function gql<R, V>(document: TypedDocumentString<R, V>, ...[variables]: VariablesArg<V>): Promise<R> {
  let response: Response
  try {
    response = await fetch('/api/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf.token },
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    })
  } catch {
    throw new ApiError('The server could not be reached. Check your connection and try again.')
  }
  if (!response.ok) throw new ApiError(await readError(response))
  const body = await response.json()
  if (body.errors?.length) throw new ApiError(body.errors.map((e: { message: string }) => e.message).join('; '))
  return body.data as R
}

/** Runs a mutation and returns its payload; errors in the payload (GitLab's errors-as-data) are thrown as words. */
export async function mutate<R, V>(document: TypedDocumentString<R, V>, ...variables: VariablesArg<V>): Promise<NonNullable<R[keyof R]>> {
  const data = await gql(document, ...variables)
  const payload = Object.values(data as object)[0] as { errors?: string[] } | null
  if (payload?.errors?.length) throw new ApiError(payload.errors.join('; '))
  return payload as NonNullable<R[keyof R]>
}

export async function signIn(username: string, password: string): Promise<void> {
  let response: Response
  try {
    response = await fetch('/users/sign_in', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
  } catch {
    throw new ApiError('The server could not be reached. Check your connection and try again.')
  }
  if (!response.ok) throw new ApiError(await readError(response))
  csrf.token = (await response.json()).csrf_token
}

export async function signOut(): Promise<void> {
  const response = await fetch('/users/sign_out', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf.token } })
  if (!response.ok) throw new ApiError(await readError(response))
  csrf.token = ''
}

export function genericUrl(projectPath: string, name: string, version: string, fileName: string): string {
  return `/api/v4/projects/${encodeURIComponent(projectPath)}/packages/generic/${encodeURIComponent(name)}/${encodeURIComponent(version)}/${fileName.split('/').map(encodeURIComponent).join('/')}`
}

/** A REST upload with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload(url: string, file: File, onProgress: (fraction: number) => void): { done: Promise<void>; abort: () => void } {
  const xhr = new XMLHttpRequest()
  const done = new Promise<void>((resolve, reject) => {
    xhr.open('PUT', url)
    xhr.setRequestHeader('X-CSRF-Token', csrf.token)
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total)
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve()
      let message = `${xhr.status} ${xhr.statusText}`
      try {
        const body = JSON.parse(xhr.responseText)
        message = body.message ?? body.error ?? message
      } catch {
        /* keep the status line */
      }
      reject(new ApiError(message))
    }
    xhr.onerror = () => reject(new ApiError('The upload was interrupted: the server could not be reached.'))
    xhr.onabort = () => reject(new ApiError('Upload cancelled.'))
    xhr.send(file)
  })
  return { done, abort: () => xhr.abort() }
}

/** gid://gitlab/Packages::Package/12 → 12 */
export function idOf(gid: string): string {
  return gid.slice(gid.lastIndexOf('/') + 1)
}
