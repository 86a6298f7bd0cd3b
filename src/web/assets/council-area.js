// Loaded only where an adult chooses a council area from the whole list: a type-ahead over it.
// accessible-autocomplete.min.js, loaded just before, defines window.accessibleAutocomplete.
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
