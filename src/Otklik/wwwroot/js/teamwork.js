// Live updates of a workspace chat (ADR 0051). The page works without this script: the server renders the messages and
// the form posts. The seam is `transport`: today it polls the messages API for what came after the last message shown
// (any web node answers alike: the database is the only truth); a push transport (a SignalR hub, say) can take its place
// by calling the same `deliver` with the same items, and the page does not change.
(function () {
  const list = document.querySelector('[data-chat-live]');
  if (!list) return;
  const url = list.dataset.chatLive;
  const seconds = Math.max(1, parseInt(list.dataset.poll, 10) || 3);
  const offset = parseInt(list.dataset.zoneOffset, 10) || 0;
  let cursor = parseInt(list.dataset.cursor, 10) || 0;

  function two(n) { return String(n).padStart(2, '0'); }
  function local(iso) {
    const d = new Date(new Date(iso).getTime() + offset * 60000);
    return `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  }

  function deliver(items) {
    for (const m of items) {
      if (m.id <= cursor || document.getElementById('m' + m.id)) continue;
      const li = document.createElement('li');
      li.id = 'm' + m.id;
      if (m.mine) li.className = 'mine';
      const who = document.createElement('span'); who.className = 'who'; who.textContent = m.author;
      const when = document.createElement('span'); when.className = 'muted'; when.textContent = local(m.createdAtUtc);
      const text = document.createElement('div'); text.className = 'text'; text.textContent = m.text;
      li.append(who, ' ', when, text);
      list.append(li);
      cursor = Math.max(cursor, m.id);
    }
    if (items.length) document.querySelector('.chat-empty')?.remove();
  }

  const transport = {
    async pull() {
      try {
        const response = await fetch(`${url}?after=${cursor}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (!response.ok) return;
        const body = await response.json();
        deliver(body.items);
      } catch { /* offline for a moment: the next tick tries again */ }
    },
    start() {
      setInterval(() => { if (!document.hidden) this.pull(); }, seconds * 1000);
      document.addEventListener('visibilitychange', () => { if (!document.hidden) this.pull(); });
    },
  };
  transport.start();
})();
