// The one-time key of a form (unionportal/core/idempotency.py) travels with the form's text. When Back
// brings a sent form back, the browser fetches the page again, with a fresh key as the input's
// default, and restores the values the page had changed. Writing the key here (the same UUID in
// upper case) makes it such a value: restored on Back, the old key is sent again and the portal
// shows the first result instead of creating a second one. A restored key is left as it is.
document.querySelectorAll("input.submission-key").forEach((input) => {
  if (input.value === input.defaultValue) {
    input.value = input.value.toUpperCase();
  }
});
