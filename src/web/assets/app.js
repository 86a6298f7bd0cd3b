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
    dropdownArrow: () => '',
  })
}

// "Exit this page" replaces the current history entry so Back does not return here.
for (const button of document.querySelectorAll('.govuk-js-exit-this-page-button')) {
  button.addEventListener('click', (event) => {
    event.preventDefault()
    window.location.replace(button.getAttribute('href'))
  })
}
