// "←" on error pages goes back in history (a static file: the CSP allows no inline script
// and no javascript: URLs). Without script the link leads home.
document.querySelectorAll("a[data-history-back]").forEach((link) => {
  link.addEventListener("click", (event) => {
    if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
});
