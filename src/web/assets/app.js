// Enhancements for every page: only the GOV.UK Frontend components the public pages use, so
// the bundle stays small. Every page works without this file.
import {
  Button,
  CharacterCount,
  Checkboxes,
  createAll,
  ErrorSummary,
  ExitThisPage,
  Radios,
  SkipLink,
} from 'govuk-frontend'

for (const Component of [
  Button,
  CharacterCount,
  Checkboxes,
  ErrorSummary,
  ExitThisPage,
  Radios,
  SkipLink,
]) {
  createAll(Component)
}

// "Exit this page" replaces the current history entry so Back does not return here. GOV.UK
// Frontend leaves with a plain navigation, both on a tap and on Shift pressed three times;
// it hides the page first, and that is the moment to replace its navigation with ours.
const exitButton = document.querySelector('.govuk-js-exit-this-page-button')
if (exitButton) {
  new MutationObserver(() => {
    if (document.body.classList.contains('govuk-exit-this-page-hide-content')) {
      window.location.replace(exitButton.getAttribute('href'))
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] })
}
