// Large files go up with tus (tus-js-client) on the same generic URL, so a dropped connection or a reloaded page
// continues where the upload stopped: the client remembers the upload URL in localStorage by the file's name, size
// and date, and asks the server for its offset before sending the rest. Only this browser session can continue it
// (the server gives an upload to the session that created it).
import { Upload, type DetailedError } from 'tus-js-client'
import { ApiError, csrf } from './api'

/** Files from this size on are sent with tus; smaller ones with one PUT. */
export const RESUMABLE_FROM = 8 * 1024 * 1024
const CHUNK = 8 * 1024 * 1024

export function resumableUpload(url: string, file: File, onProgress: (fraction: number) => void): { done: Promise<void>; abort: () => void } {
  let upload: Upload | undefined
  const done = new Promise<void>((resolve, reject) => {
    upload = new Upload(file, {
      endpoint: url,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      headers: { 'X-CSRF-Token': csrf.token },
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => onProgress(total > 0 ? sent / total : 0),
      onSuccess: () => resolve(),
      onError: (error) => reject(new ApiError(messageOf(error as DetailedError))),
    })
    upload.findPreviousUploads().then((previous) => {
      if (previous.length > 0) upload!.resumeFromPreviousUpload(previous[0])
      upload!.start()
    }, reject)
  })
  return { done, abort: () => void upload?.abort(false) }
}

function messageOf(error: DetailedError): string {
  const response = error.originalResponse
  if (!response) return 'The upload was interrupted: the server could not be reached.'
  try {
    const body = JSON.parse(response.getBody())
    return body.message ?? body.error ?? `${response.getStatus()}`
  } catch {
    return `${response.getStatus()}`
  }
}
