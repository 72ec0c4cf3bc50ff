// "Maybe this already answers you": attaches to every <textarea data-suggest>. As the person types, the published
// knowledge base articles that match are listed under the field; opening one is counted (a beacon), since that person
// may not need to send the appeal at all. Without JavaScript the form simply works without suggestions.
(function () {
  'use strict';
  function attach(area) {
    var box = document.createElement('div');
    box.className = 'suggest';
    box.setAttribute('aria-live', 'polite');
    area.insertAdjacentElement('afterend', box);
    var timer = null, last = '';
    area.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 400);
    });
    function ask() {
      var text = area.value.trim();
      if (text.length < 12 || text === last) return;
      last = text;
      fetch('/api/v1/knowledge/suggest?text=' + encodeURIComponent(text.slice(0, 1000)), { headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(show)
        .catch(function () { /* suggestions are a courtesy */ });
    }
    function show(items) {
      box.textContent = '';
      if (!items.length) return;
      var title = document.createElement('p');
      title.className = 'suggest-title';
      title.textContent = 'Возможно, ответ уже есть:';
      box.appendChild(title);
      var list = document.createElement('ul');
      items.forEach(function (item) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        // Only a link of this site: a javascript: or another site's address from data never becomes a link.
        a.href = /^\/(?![\/\\])/.test(item.url || '') ? item.url : '#';
        a.target = '_blank';
        a.rel = 'noopener';
        a.textContent = item.title;
        a.addEventListener('click', function () {
          var url = '/api/v1/knowledge/suggest/' + encodeURIComponent(item.id) + '/opened';
          if (navigator.sendBeacon) navigator.sendBeacon(url);
          else fetch(url, { method: 'POST', keepalive: true });
        });
        li.appendChild(a);
        list.appendChild(li);
      });
      box.appendChild(list);
    }
  }
  document.querySelectorAll('textarea[data-suggest]').forEach(attach);
})();
