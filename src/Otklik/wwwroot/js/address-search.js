// The address register on an editable map (_Map.cshtml with an address input): typing in the address field offers
// addresses of the register (GET /api/v1/addresses/search), picking one puts the marker there; a tap on the map fills the
// field with the nearest address (GET /api/v1/addresses/nearest); «Моё местоположение» asks the browser where the person
// is. All of it works on the plain background as well as on tiles. Without JavaScript the field is an ordinary text box.
(function () {
    'use strict';

    window.OtklikAddress = function (options) {
        var input = options.input, map = options.map, place = options.place, write = options.write;
        var status = options.status;
        var list = document.createElement('ul');
        list.id = input.id + '-options';
        list.className = 'address-options';
        list.setAttribute('role', 'listbox');
        list.setAttribute('aria-label', 'Адреса из реестра');
        list.hidden = true;
        input.insertAdjacentElement('afterend', list);
        input.parentNode.classList.add('address-field');
        input.setAttribute('role', 'combobox');
        input.setAttribute('aria-autocomplete', 'list');
        input.setAttribute('aria-expanded', 'false');
        input.setAttribute('aria-controls', list.id);
        input.setAttribute('autocomplete', 'off');

        var found = [], active = -1, timer = null, asked = '', filledByMap = false;

        function say(text) { if (status) { status.hidden = !text; status.textContent = text || ''; } }

        function close() {
            list.hidden = true;
            input.setAttribute('aria-expanded', 'false');
            input.removeAttribute('aria-activedescendant');
            active = -1;
        }

        function render() {
            list.innerHTML = '';
            found.forEach(function (a, i) {
                var li = document.createElement('li');
                li.id = list.id + '-' + i;
                li.setAttribute('role', 'option');
                li.setAttribute('aria-selected', i === active ? 'true' : 'false');
                li.textContent = a.label;
                // mousedown, not click: the field must not lose the choice to its blur.
                li.addEventListener('mousedown', function (e) { e.preventDefault(); pick(a); });
                list.appendChild(li);
            });
            list.hidden = found.length === 0;
            input.setAttribute('aria-expanded', found.length ? 'true' : 'false');
            if (active >= 0) input.setAttribute('aria-activedescendant', list.id + '-' + active);
            else input.removeAttribute('aria-activedescendant');
        }

        function pick(a) {
            input.value = a.label;
            filledByMap = false;
            close();
            var point = L.latLng(a.latitude, a.longitude);
            place(point);
            write(point);
            map.setView(point, Math.max(map.getZoom(), 16));
            input.dispatchEvent(new Event('change', { bubbles: true }));
            say('Адрес выбран: ' + a.label + '. Метка на карте поставлена.');
        }

        function search() {
            var q = input.value.trim();
            if (q.length < 3 || q === asked) { if (q.length < 3) { found = []; render(); } return; }
            asked = q;
            fetch('/api/v1/addresses/search?limit=8&q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' } })
                .then(function (r) { return r.ok ? r.json() : []; })
                .then(function (list) {
                    if (input.value.trim() !== q) return;
                    found = list; active = -1; render();
                })
                .catch(function () { asked = ''; });
        }

        input.addEventListener('input', function () {
            filledByMap = false;
            clearTimeout(timer);
            timer = setTimeout(search, 200);
        });
        input.addEventListener('keydown', function (e) {
            if (list.hidden || found.length === 0) return;
            if (e.key === 'ArrowDown') { active = (active + 1) % found.length; render(); e.preventDefault(); }
            else if (e.key === 'ArrowUp') { active = (active - 1 + found.length) % found.length; render(); e.preventDefault(); }
            else if (e.key === 'Enter' && active >= 0) { pick(found[active]); e.preventDefault(); }
            else if (e.key === 'Escape') { close(); e.preventDefault(); }
        });
        input.addEventListener('blur', function () { setTimeout(close, 150); });

        // The nearest address of a point the person chose on the map; a landmark typed by hand is never overwritten.
        function nearest(point) {
            if (input.value.trim() && !filledByMap) return;
            fetch('/api/v1/addresses/nearest?lat=' + point.lat.toFixed(6) + '&lon=' + point.lng.toFixed(6), { headers: { Accept: 'application/json' } })
                .then(function (r) { return r.ok ? r.json() : null; })
                .then(function (a) {
                    if (!a) { say('Рядом с точкой нет адреса из реестра: опишите место в поле «Адрес или ориентир».'); return; }
                    if (input.value.trim() && !filledByMap) return;
                    input.value = a.label;
                    filledByMap = true;
                    input.dispatchEvent(new Event('change', { bubbles: true }));
                    say('Ближайший адрес: ' + a.label + '.');
                })
                .catch(function () { });
        }

        var locate = options.locate;
        if (locate && navigator.geolocation) {
            locate.hidden = false;
            locate.addEventListener('click', function () {
                say('Определяем местоположение…');
                navigator.geolocation.getCurrentPosition(function (p) {
                    var point = L.latLng(p.coords.latitude, p.coords.longitude);
                    place(point);
                    write(point);
                    map.setView(point, Math.max(map.getZoom(), 16));
                    say('Метка поставлена там, где вы находитесь.');
                    nearest(point);
                }, function () {
                    say('Не удалось определить местоположение: разрешите доступ к геолокации или найдите адрес по названию улицы.');
                }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
            });
        }

        return { nearest: nearest };
    };
})();
