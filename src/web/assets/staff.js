// Enhancements only: the staff pages work without this file, except passkeys, which need it.
import { createAll, initAll } from 'govuk-frontend'
import { FilterToggleButton, initAll as initMojFrontend } from '@ministryofjustice/frontend'

initAll()
// MoJ components, such as the queue's sortable table, and the filter's "Show filter" button on
// small screens (not in MoJ's initAll): bundled here, as the policy runs only our own scripts.
// The filter starts open where there is room for it: MoJ's default (startHidden) folds it away
// at every width until the window is resized.
initMojFrontend()
createAll(FilterToggleButton, { startHidden: false })

// The queue reads itself again every minute, so new reports appear without anyone asking.
// Not while someone is choosing filters or has changed one: their choice would be lost.
// Without JavaScript, the page's "Refresh the queue" link does the same.
const queueRefresh = document.querySelector('[data-queue-refresh]')
if (queueRefresh) {
  const everyMs = 60_000
  let changed = false
  document.addEventListener('input', () => {
    changed = true
  })
  document.addEventListener('change', () => {
    changed = true
  })
  const busy = () =>
    changed ||
    (document.activeElement instanceof HTMLElement &&
      document.activeElement.matches('input, select, textarea'))
  window.setInterval(() => {
    // replace(): a refresh is the same page again, not a new step for Back to go through.
    if (!busy()) window.location.replace(queueRefresh.dataset.queueRefresh)
  }, everyMs)
}

const webauthn = window.SimpleWebAuthnBrowser

for (const block of document.querySelectorAll('.app-js-only')) {
  if (webauthn && webauthn.browserSupportsWebAuthn()) block.hidden = false
}

// A passkey button asks the server for a challenge, lets the browser talk to the
// authenticator, and sends its answer back; the server says where to go next.
for (const button of document.querySelectorAll('[data-passkey]')) {
  const error = document.getElementById('passkey-error')
  const showError = (message) => {
    if (!error) return
    error.hidden = false
    error.textContent = `Error: ${message}`
  }
  button.addEventListener('click', async (event) => {
    event.preventDefault()
    button.disabled = true
    try {
      const options = await fetch(button.dataset.optionsUrl, {
        credentials: 'same-origin',
        headers: { accept: 'application/json' },
      })
      if (!options.ok)
        throw new Error('The passkey could not be started. Refresh the page and try again.')
      const optionsJSON = await options.json()
      const response =
        button.dataset.passkey === 'register'
          ? await webauthn.startRegistration({ optionsJSON })
          : await webauthn.startAuthentication({ optionsJSON })
      const sent = await fetch(button.dataset.url, {
        method: 'POST',
        credentials: 'same-origin',
        // A form body like every other page's (pages take no JSON); the answer is one field.
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          _csrf: button.dataset.csrf ?? '',
          next: button.dataset.next ?? '',
          response: JSON.stringify(response),
        }),
      })
      const result = await sent.json().catch(() => ({}))
      if (!sent.ok || !result.redirect)
        throw new Error(result.error || 'The passkey was not accepted. Try again.')
      window.location.assign(result.redirect)
    } catch (e) {
      showError(
        e instanceof Error && e.name !== 'NotAllowedError'
          ? e.message
          : 'The passkey was cancelled or timed out. Try again.',
      )
      button.disabled = false
    }
  })
}
