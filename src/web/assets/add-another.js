// "Add another username" and "Remove" change the rows in the page instead of sending the form.
// Without this file the same buttons send the form and the server adds or removes the row.
for (const container of document.querySelectorAll('[data-module="app-add-another"]')) {
  enhanceAddAnother(container)
}

function enhanceAddAnother(container) {
  const items = () => [...container.querySelectorAll('.app-add-another__item')]
  const addButton = container.querySelector('button[value="add-account"]')
  const max = Number(container.dataset.max)

  container.addEventListener('click', (event) => {
    const button = event.target.closest('button[name="action"]')
    if (!button) return
    if (button.value === 'add-account') {
      event.preventDefault()
      addRow()
    } else if (button.value.startsWith('remove-account-')) {
      event.preventDefault()
      removeRow(button.closest('.app-add-another__item'))
    }
  })

  function addRow() {
    const rows = items()
    const last = rows[rows.length - 1]
    const row = last.cloneNode(true)
    for (const message of row.querySelectorAll('.govuk-error-message')) message.remove()
    for (const group of row.querySelectorAll('.govuk-form-group--error')) {
      group.classList.remove('govuk-form-group--error')
    }
    for (const input of row.querySelectorAll('input')) {
      input.value = ''
      input.classList.remove('govuk-input--error')
      input.removeAttribute('aria-describedby')
    }
    last.after(row)
    renumber()
    row.querySelector('input').focus()
  }

  function removeRow(row) {
    const index = items().indexOf(row)
    row.remove()
    renumber()
    const rows = items()
    rows[Math.min(index, rows.length - 1)].querySelector('input').focus()
  }

  // Names, ids and labels follow the row's place, as the server numbers them.
  function renumber() {
    const rows = items()
    rows.forEach((row, i) => {
      const [platform, username] = row.querySelectorAll('input')
      label(platform, `accountPlatform-${i}`, `App, game or website ${i + 1}`)
      label(username, `accountUsername-${i}`, `Username ${i + 1}`)
      let remove = row.querySelector('button[value^="remove-account-"]')
      if (rows.length > 1 && !remove) remove = row.appendChild(removeButton())
      if (rows.length === 1 && remove) remove.remove()
      else if (remove) {
        remove.value = `remove-account-${i}`
        remove.setAttribute('aria-label', `Remove username ${i + 1}`)
      }
    })
    if (addButton) addButton.hidden = rows.length >= max
  }

  function label(input, name, text) {
    const group = input.closest('.govuk-form-group')
    const labelElement = group.querySelector('label')
    input.name = name
    input.id = name
    labelElement.htmlFor = name
    labelElement.textContent = text
    const error = group.querySelector('.govuk-error-message')
    if (error) {
      error.id = `${name}-error`
      input.setAttribute('aria-describedby', error.id)
    }
  }

  function removeButton() {
    const button = document.createElement('button')
    button.type = 'submit'
    button.name = 'action'
    button.className = 'govuk-button govuk-button--secondary govuk-!-margin-bottom-4'
    button.dataset.module = 'govuk-button'
    button.textContent = 'Remove'
    return button
  }
}
