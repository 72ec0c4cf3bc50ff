// Refreshes the queue counters without a reload. The page works without it: the numbers are rendered by the server.
(function () {
  const box = document.querySelector('[data-counters]');
  if (!box) return;
  async function refresh() {
    try {
      const response = await fetch(box.dataset.counters, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      const counts = await response.json();
      for (const [queue, count] of Object.entries(counts)) {
        const cell = box.querySelector(`[data-queue="${queue}"]`);
        if (cell && cell.textContent !== String(count)) cell.textContent = count;
      }
    } catch { /* offline for a moment: the next tick tries again */ }
  }
  setInterval(refresh, 20000);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
})();
