// Keeps the bell's unread count fresh without a reload. The page works without it: the number is rendered by the server.
(function () {
  const bell = document.querySelector('[data-notices]');
  if (!bell) return;
  const badge = bell.querySelector('[data-unread]');
  const count = bell.querySelector('[data-unread-count]');
  const seconds = Math.max(1, parseInt(bell.dataset.poll, 10) || 15);
  async function refresh() {
    try {
      const response = await fetch(bell.dataset.notices, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      const { unread } = await response.json();
      if (count.textContent !== String(unread)) count.textContent = unread;
      badge.classList.toggle('none', unread === 0);
    } catch { /* offline for a moment: the next tick tries again */ }
  }
  setInterval(() => { if (!document.hidden) refresh(); }, seconds * 1000);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
})();
