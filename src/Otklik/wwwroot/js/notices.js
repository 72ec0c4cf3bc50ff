// Keeps the bell's unread count fresh without a reload. The page works without it: the number is rendered by the server.
// Live: a SignalR connection (/hubs/notices) on whichever node serves this page is told when the person's notices change
// on any node (ADR 0046), and the count is fetched at once. While that connection is down, the count is polled.
(function () {
  const bell = document.querySelector('[data-notices]');
  if (!bell) return;
  const badge = bell.querySelector('[data-unread]');
  const count = bell.querySelector('[data-unread-count]');
  const seconds = Math.max(1, parseInt(bell.dataset.poll, 10) || 15);
  let live = false;
  async function refresh() {
    try {
      const response = await fetch(bell.dataset.notices, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      const { unread } = await response.json();
      if (count.textContent !== String(unread)) count.textContent = unread;
      badge.classList.toggle('none', unread === 0);
    } catch { /* offline for a moment: the next tick tries again */ }
  }
  function state(value) { live = value === 'connected'; bell.dataset.liveState = value; }
  if (window.signalR && bell.dataset.live) {
    const connection = new signalR.HubConnectionBuilder().withUrl(bell.dataset.live)
      .withAutomaticReconnect([0, 2000, 5000, 10000, 30000, 60000]).configureLogging(signalR.LogLevel.None).build();
    connection.on('notices', refresh);
    connection.onreconnecting(() => state('reconnecting'));
    connection.onreconnected(() => { state('connected'); refresh(); });
    connection.onclose(() => state('closed'));
    connection.start().then(() => state('connected'), () => state('closed'));
  }
  setInterval(() => { if (!document.hidden && !live) refresh(); }, seconds * 1000);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
})();
