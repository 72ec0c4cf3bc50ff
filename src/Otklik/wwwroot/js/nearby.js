// «Уже сообщили рядом?»: when the submission's point and topic are both chosen, the open published appeals of that topic
// nearby (GET /api/v1/nearby-appeals), each with «Я тоже» (POST …/{number}/support) instead of filing a twin.
(function () {
    'use strict';
    var box = document.getElementById('nearby');
    var list = document.getElementById('nearby-list');
    var lat = document.getElementById('lat'), lon = document.getElementById('lon'), topic = document.getElementById('topic');
    if (!box || !list || !lat || !lon || !topic || !window.fetch) return;
    var asked = '';

    function text(tag, className, value) {
        var el = document.createElement(tag);
        if (className) el.className = className;
        el.textContent = value;
        return el;
    }

    function render(items) {
        list.innerHTML = '';
        box.hidden = items.length === 0;
        items.forEach(function (a) {
            var li = document.createElement('li');
            li.className = 'nearby-item';
            var head = document.createElement('p');
            head.className = 'nearby-head';
            var link = text('a', '', '№ ' + a.number);
            link.href = a.url;
            link.target = '_blank';
            link.rel = 'noopener';
            head.appendChild(link);
            head.appendChild(document.createTextNode(' · ' + a.distanceMetres + ' м · ' + a.stage));
            li.appendChild(head);
            if (a.address) li.appendChild(text('p', 'muted nearby-address', a.address));
            li.appendChild(text('p', 'nearby-text', a.excerpt));
            var foot = document.createElement('p');
            foot.className = 'nearby-foot';
            var count = text('span', 'nearby-count', 'Поддержали: ' + a.supports);
            foot.appendChild(count);
            var said = text('span', 'nearby-said', '');
            said.setAttribute('role', 'status');
            if (a.supportedByMe) said.textContent = ' Вы уже поддержали это обращение.';
            else {
                var button = text('button', 'secondary', 'Я тоже');
                button.type = 'button';
                button.setAttribute('aria-label', 'Я тоже: поддержать обращение № ' + a.number);
                button.addEventListener('click', function () { support(a, button, count, said); });
                foot.appendChild(document.createTextNode(' '));
                foot.appendChild(button);
            }
            foot.appendChild(said);
            li.appendChild(foot);
            list.appendChild(li);
        });
    }

    function support(a, button, count, said) {
        button.disabled = true;
        fetch('/api/v1/nearby-appeals/' + encodeURIComponent(a.number) + '/support', {
            method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' }
        }).then(function (r) {
            if (r.status === 401) {
                said.textContent = ' ';
                var login = text('a', '', 'Войдите, чтобы поддержать');
                login.href = '/account/login?ReturnUrl=' + encodeURIComponent(a.url);
                said.appendChild(login);
                button.disabled = false;
                return null;
            }
            return r.ok ? r.json() : Promise.reject(r);
        }).then(function (result) {
            if (!result) return;
            count.textContent = 'Поддержали: ' + result.supports;
            said.textContent = ' ' + result.message;
            button.remove();
        }).catch(function () {
            button.disabled = false;
            said.textContent = ' Не получилось, попробуйте ещё раз.';
        });
    }

    function look() {
        var a = lat.value.trim(), b = lon.value.trim(), t = topic.value;
        if (!a || !b || !t) { render([]); asked = ''; return; }
        var query = 'lat=' + encodeURIComponent(a) + '&lon=' + encodeURIComponent(b) + '&topicId=' + encodeURIComponent(t);
        if (query === asked) return;
        asked = query;
        fetch('/api/v1/nearby-appeals?' + query, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(function (items) { if (asked === query) render(items); })
            .catch(function () { asked = ''; });
    }

    [lat, lon, topic].forEach(function (el) { el.addEventListener('change', look); });
    look();
})();
