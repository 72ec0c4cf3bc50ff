// The submission form of /submit, enhanced: one step at a time, topics filtered by category and a search box, the
// territory and executor of a chosen point, and a draft kept on the device. Without this script every step shows at
// once and the form posts as usual.
//
// Offline: the draft's fields live in localStorage (saved as one types) with its idempotency key, made here when the
// draft starts; photos of a submission made without network go to IndexedDB. When the network returns the draft is
// posted again with the same key, so the server makes one appeal however many times it arrives.
(function () {
    'use strict';
    var form = document.getElementById('submit-form');
    if (!form || !window.fetch || !window.FormData) return;
    var DRAFT = 'otklik.submit.draft';
    // A visitor's contact step (name and e-mail) is kept too: it is their own device.
    var FIELDS = ['Type', 'CategoryId', 'TopicId', 'Address', 'Latitude', 'Longitude', 'Text', 'Consent',
        'ContactLastName', 'ContactFirstName', 'ContactMiddleName', 'ContactEmail'];
    var keyInput = form.elements.IdempotencyKey;
    var statusBox = document.getElementById('submit-status');
    var photos = document.getElementById('photos');

    // ---- The draft ----

    function newKey() {
        var bytes = new Uint8Array(16);
        crypto.getRandomValues(bytes);
        return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
    }
    function readDraft() { try { return JSON.parse(localStorage.getItem(DRAFT) || 'null'); } catch (e) { return null; } }
    function writeDraft() { try { localStorage.setItem(DRAFT, JSON.stringify(draft)); } catch (e) { /* private mode: no draft */ } }
    function get(name) {
        var el = form.elements[name];
        if (!el) return null;
        return el.type === 'checkbox' ? el.checked : el.value;
    }
    function set(name, value) {
        var el = form.elements[name];
        if (!el || value === null || value === undefined) return;
        if (el.type === 'checkbox') el.checked = !!value; else el.value = value;
    }
    function values() {
        var v = {};
        FIELDS.forEach(function (n) { v[n] = get(n); });
        return v;
    }

    var draft = readDraft();
    if (form.dataset.fresh === 'true' && draft && draft.key) {
        keyInput.value = draft.key;
    } else {
        // A refused post comes back with the key it was sent with (or a new one the server chose): that is the draft now.
        draft = { key: form.dataset.fresh === 'true' ? newKey() : keyInput.value, values: null, pending: false };
        keyInput.value = draft.key;
    }

    // ---- IndexedDB for the photos of a submission waiting for the network ----

    function photoStore() {
        return new Promise(function (resolve, reject) {
            if (!window.indexedDB) { reject(new Error('no IndexedDB')); return; }
            var open = indexedDB.open('otklik-submit', 1);
            open.onupgradeneeded = function () { open.result.createObjectStore('photos'); };
            open.onsuccess = function () { resolve(open.result); };
            open.onerror = function () { reject(open.error); };
        });
    }
    function photoTx(mode, work) {
        return photoStore().then(function (db) {
            return new Promise(function (resolve, reject) {
                var tx = db.transaction('photos', mode);
                var request = work(tx.objectStore('photos'));
                tx.oncomplete = function () { resolve(request ? request.result : undefined); };
                tx.onerror = function () { reject(tx.error); };
            });
        });
    }
    function savePhotos(key, files) { return photoTx('readwrite', function (s) { return s.put(files, key); }); }
    function loadPhotos(key) { return photoTx('readonly', function (s) { return s.get(key); }).catch(function () { return null; }); }
    function dropPhotos(key) { return photoTx('readwrite', function (s) { return s.delete(key); }).catch(function () { }); }

    // ---- Steps ----

    var steps = Array.prototype.slice.call(form.querySelectorAll('.step'));
    var progress = document.getElementById('step-progress');
    var current = 0;
    form.classList.add('js-steps');
    progress.hidden = false;
    form.querySelectorAll('.step-nav, [data-back]').forEach(function (el) { el.hidden = false; });
    steps[0].querySelectorAll('[data-back]').forEach(function (b) { b.hidden = true; });

    function show(i, focus) {
        current = Math.max(0, Math.min(steps.length - 1, i));
        steps.forEach(function (s, j) { s.classList.toggle('current', j === current); });
        progress.textContent = 'Шаг ' + (current + 1) + ' из ' + steps.length + ': ' + steps[current].dataset.title;
        // The map was laid out while hidden: let Leaflet measure it again.
        window.dispatchEvent(new Event('resize'));
        if (focus) {
            var first = steps[current].querySelector('input:not([type=hidden]):not([hidden]), select, textarea');
            if (first) first.focus();
        }
    }
    function stepValid() {
        var controls = steps[current].querySelectorAll('input, select, textarea');
        for (var i = 0; i < controls.length; i++) {
            if (!controls[i].checkValidity()) { controls[i].reportValidity(); return false; }
        }
        return true;
    }
    form.addEventListener('click', function (e) {
        if (e.target.closest('[data-next]')) { if (stepValid()) show(current + 1, true); }
        else if (e.target.closest('[data-back]')) show(current - 1, true);
    });
    var withError = steps.findIndex(function (s) { return s.querySelector('.field-error'); });
    show(withError >= 0 ? withError : 0, withError >= 0);

    // ---- Topics: by category, and by the search box ----

    var category = form.elements.CategoryId;
    var topic = document.getElementById('topic');
    var search = document.getElementById('topic-search');
    var topics = JSON.parse(topic.getAttribute('data-topics') || '[]');
    search.parentNode.hidden = false;
    // The server finds topics by word forms and synonyms («яма» → «Ямы на дорогах», «капремонт» → «Капитальный ремонт»);
    // until it answers (or without network) the names are matched as typed.
    var found = null, foundFor = '', searchTimer = 0;
    function askTopics() {
        var q = search.value.trim();
        clearTimeout(searchTimer);
        if (!q) { found = null; foundFor = ''; filterTopics(); return; }
        searchTimer = setTimeout(function () {
            fetch('/submit?handler=topics&q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
                .then(function (r) { return r.ok ? r.json() : null; })
                .then(function (ids) { if (ids && search.value.trim() === q) { found = ids; foundFor = q.toLowerCase(); filterTopics(); } })
                .catch(function () { });
        }, 200);
    }
    function filterTopics() {
        var keep = topic.value;
        var q = search.value.trim().toLowerCase();
        topic.innerHTML = '';
        topic.add(new Option('— выберите —', ''));
        topics.filter(function (t) {
            return (!category.value || t.category === category.value)
                && (!q || t.name.toLowerCase().indexOf(q) >= 0 || (found !== null && foundFor === q && found.indexOf(t.id) >= 0));
        }).forEach(function (t) {
            var o = new Option(t.name, t.id);
            o.selected = t.id === keep;
            topic.add(o);
        });
    }
    category.addEventListener('change', filterTopics);
    search.addEventListener('input', function () { filterTopics(); askTopics(); });

    // ---- The point: its territory and the proposed executor ----

    var lat = document.getElementById('lat');
    var lon = document.getElementById('lon');
    var routeInfo = document.getElementById('route-info');
    var asked = '';
    function route() {
        if (!lat.value.trim() || !lon.value.trim()) return;
        var query = 'latitude=' + encodeURIComponent(lat.value) + '&longitude=' + encodeURIComponent(lon.value) + '&topicId=' + encodeURIComponent(topic.value);
        if (query === asked) return;
        asked = query;
        fetch('/submit?handler=route&' + query, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
            .then(function (r) { return r.json(); })
            .then(function (p) {
                routeInfo.hidden = false;
                routeInfo.textContent = p.problem ? p.problem
                    : 'Территория: ' + p.territory + '. Ответит: ' + (p.organisation || 'организацию определит модератор') + '.';
            })
            .catch(function () { asked = ''; });
    }
    [lat, lon, topic].forEach(function (el) { el.addEventListener('change', route); });

    // ---- Restore, keep, send ----

    if (form.dataset.fresh === 'true' && draft.values) {
        set('CategoryId', draft.values.CategoryId);
        filterTopics();
        FIELDS.forEach(function (n) { if (n !== 'CategoryId') set(n, draft.values[n]); });
        if (lat.value && lon.value) { lat.dispatchEvent(new Event('input')); route(); }
    } else {
        filterTopics();
    }
    draft.values = values();
    writeDraft();
    form.addEventListener('input', function () { draft.values = values(); writeDraft(); });
    form.addEventListener('change', function () { draft.values = values(); writeDraft(); });

    function say(text) {
        statusBox.hidden = false;
        statusBox.textContent = text;
    }
    function finish(url) {
        localStorage.removeItem(DRAFT);
        dropPhotos(draft.key).then(function () { location.assign(url); });
    }

    var reset = document.getElementById('draft-reset');
    reset.hidden = false;
    reset.addEventListener('click', function () {
        localStorage.removeItem(DRAFT);
        dropPhotos(draft.key).then(function () { location.assign(location.pathname); });
    });

    var sending = false;
    function send() {
        if (sending) return;
        sending = true;
        var body = new FormData(form);
        var chosen = photos.files && photos.files.length > 0;
        (chosen ? Promise.resolve(null) : loadPhotos(draft.key)).then(function (saved) {
            if (saved) { body.delete('Photos'); saved.forEach(function (f) { body.append('Photos', f, f.name); }); }
            return fetch(location.pathname, { method: 'POST', body: body, credentials: 'same-origin' });
        }).then(function (response) {
            sending = false;
            if (response.redirected && /\/my\//.test(new URL(response.url).pathname)) { finish(response.url); return; }
            // Kept on the server until the e-mail is confirmed (a visitor's appeal): the device's draft is done.
            if (response.status === 200) { localStorage.removeItem(DRAFT); dropPhotos(draft.key); }
            // Refused (a field to fix): the server's page, with the errors next to the fields, replaces this one.
            else { draft.pending = false; writeDraft(); }
            return response.text().then(function (html) { document.open(); document.write(html); document.close(); });
        }).catch(function () {
            sending = false;
            say('Нет сети — обращение сохранено и будет отправлено, когда связь восстановится.');
            // The "online" event is the usual signal; a network that says it is up but drops requests gets another try.
            setTimeout(function () { if (draft.pending && navigator.onLine !== false) send(); }, 20000);
        });
    }

    form.addEventListener('submit', function (e) {
        e.preventDefault();
        draft.values = values();
        draft.pending = true;
        writeDraft();
        var files = photos.files ? Array.prototype.slice.call(photos.files) : [];
        var kept = files.length === 0 ? Promise.resolve(true)
            : savePhotos(draft.key, files).then(function () { return true; }, function () { return false; });
        kept.then(function (photosKept) {
            if (navigator.onLine === false) {
                say(photosKept
                    ? 'Нет сети — обращение сохранено и будет отправлено, когда связь восстановится.'
                    : 'Нет сети — обращение сохранено и будет отправлено, когда связь восстановится. Фотографии сохранить не удалось: прикрепите их снова.');
                return;
            }
            say('Отправляем обращение…');
            send();
        });
    });

    window.addEventListener('online', function () { if (draft.pending) { say('Сеть появилась — отправляем обращение…'); send(); } });
    if (draft.pending && form.dataset.fresh === 'true') {
        if (navigator.onLine === false) say('Нет сети — обращение сохранено и будет отправлено, когда связь восстановится.');
        else { say('Отправляем сохранённое обращение…'); send(); }
    }
})();
