// A form that does something for good asks first: <form data-confirm="…">. (A file, not an
// onsubmit attribute: the portal's Content-Security-Policy allows no inline script.)
document.addEventListener("submit", (event) => {
  const message = event.target.dataset ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
