// Progressive enhancement only: every page works without this file.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
const src = document.documentElement.dataset.nhsukFrontend
if (src) {
  import(src).then(({ initAll }) => initAll()).catch(() => {})
}
// A Print button where a page offers one (the printed list); without
// JavaScript the page says how to print instead.
for (const b of document.querySelectorAll('[data-psu-print]')) {
  b.hidden = false
  b.addEventListener('click', () => window.print())
  b.nextElementSibling?.setAttribute('hidden', '')
}
