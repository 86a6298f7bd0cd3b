// Enhancements only: every page works without this file.
import { initAll } from './govuk-frontend.min.js'

initAll()

// A chosen council area becomes a type-ahead search when the list is long.
const select = document.querySelector('select[data-module="app-council-area"]')
if (select && window.accessibleAutocomplete) {
  window.accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: '',
    showAllValues: true,
    // Without autoselect there is no type-ahead "hint" input, which has no label of its own.
    autoselect: false,
    dropdownArrow: () => '',
  })
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
