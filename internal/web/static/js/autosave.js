// Autosave for long text typed on a page (an adviser's session notes):
// after a few seconds without typing, the form is posted to the address in
// its data-autosave attribute, so a session that times out loses nothing.
// The address answers 204 when saved and 422 with {"error": "…"} when the
// text cannot be. Progressive enhancement only: without this file the
// form's own Save button does the same.
const IDLE_MS = 2500

for (const form of document.querySelectorAll('form[data-autosave]')) {
  const url = form.dataset.autosave
  const status = form.querySelector('[data-autosave-status]')
  const fields = form.querySelectorAll('textarea, input[type=text]')
  let timer = null
  let saving = null
  let last = new URLSearchParams(new FormData(form)).toString()

  const say = (text) => { if (status) status.textContent = text }
  const time = () => new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })

  const save = async () => {
    timer = null
    const body = new URLSearchParams(new FormData(form)).toString()
    if (body === last) return
    if (saving) { await saving }
    saving = (async () => {
      say('Saving…')
      try {
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
          credentials: 'same-origin'
        })
        if (res.status === 204) {
          last = body
          say('Saved at ' + time() + '.')
        } else if (res.status === 422) {
          const { error } = await res.json().catch(() => ({}))
          say('Not saved: ' + (error || 'the text cannot be stored as it is.'))
        } else if (res.status === 403) {
          say('Not saved: you may have been signed out. Copy what you typed since the last save, sign in again in a new tab, then paste it back.')
        } else {
          say('Not saved: something went wrong. Keep this page open and try Save.')
        }
      } catch {
        say('Not saved: psu cannot be reached. Keep this page open and try Save when you are back online.')
      }
    })()
    await saving
    saving = null
  }

  for (const f of fields) {
    f.addEventListener('input', () => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(save, IDLE_MS)
    })
  }
  // Leaving the page saves what is pending, without waiting for the pause.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && timer) {
      clearTimeout(timer)
      save()
    }
  })
}
