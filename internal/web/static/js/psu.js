// Progressive enhancement only: every page works without this file.
document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
const src = document.documentElement.dataset.nhsukFrontend
if (src) {
  import(src).then(({ initAll }) => initAll()).catch(() => {})
}
