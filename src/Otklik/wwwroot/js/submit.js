// The submission form of /submit, enhanced: one step at a time, topics filtered by category and a search box, the
// territory and executor of a chosen point, and a draft kept on the device. Without this script every step shows at
// once and the form posts as usual.
//
// Offline: the draft's fields live in localStorage (saved as one types) with its idempotency key, made here when the
// draft starts. A form submitted without network goes whole (fields and photos) into the queue of offline-queue.js in
// IndexedDB, which the service worker sends by Background Sync and pwa.js on "online" or when a page opens (ADR 0040);
// it is always posted with the same key, so the server makes one appeal however many times it arrives.
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

    // ---- The queue of forms waiting for the network (offline-queue.js, shared with the service worker) ----

    var queue = window.OtklikQueue;
    function savePhotos(key, files) { return queue ? queue.savePhotos(key, files) : Promise.reject(new Error('no queue')); }
    function loadPhotos(key) { return queue ? queue.loadPhotos(key) : Promise.resolve(null); }
    function dropPhotos(key) { return queue ? queue.drop(key) : Promise.resolve(); }

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
    // The server's answer to a form the queue sent (this page, another page, or the service worker by Background Sync).
    function answered(result) {
        if (result.number) { finish(result.url); return; }
        // Kept on the server until the e-mail is confirmed (a visitor's appeal): the device's draft is done.
        if (result.status === 200) localStorage.removeItem(DRAFT);
        // Refused (a field to fix): the server's page, with the errors next to the fields, replaces this one.
        else { draft.pending = false; writeDraft(); }
        document.open(); document.write(result.html); document.close();
    }
    window.addEventListener('otklik-sent', function (e) {
        if (!e.detail || e.detail.key !== draft.key) return;
        e.preventDefault();
        answered(e.detail);
    });

    var reset = document.getElementById('draft-reset');
    reset.hidden = false;
    reset.addEventListener('click', function () {
        localStorage.removeItem(DRAFT);
        dropPhotos(draft.key).then(function () { location.assign(location.pathname); });
    });

    var WAITING = 'Нет сети — обращение сохранено на этом устройстве. Отправится, когда появится связь.';
    var queued = false;
    // Without network the form goes into the queue whole (fields and photos): the service worker sends it by Background
    // Sync even if this page is closed; pwa.js sends it on "online" and whenever a page of the portal opens.
    function enqueue(photosKept) {
        if (!queue) return Promise.resolve(false);
        return queue.put(draft.key, new FormData(form)).then(function () {
            queued = true;
            if (navigator.serviceWorker) {
                navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) return reg.sync.register('otklik-submit'); }).catch(function () { });
            }
            return true;
        }, function () { return false; }).then(function (ok) {
            say(photosKept ? WAITING : WAITING + ' Фотографии сохранить не удалось: прикрепите их снова.');
            // A network that says it is up but drops requests gets another try.
            setTimeout(function () { if (navigator.onLine !== false) retry(); }, 20000);
            return ok;
        });
    }
    function retry() {
        if (queued) { if (window.OtklikPwa) window.OtklikPwa.flush(); }
        else if (draft.pending) send();
    }

    var sending = false;
    function send(photosKept) {
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
            return response.text().then(function (html) { answered({ key: draft.key, html: html, status: response.status }); });
        }).catch(function () {
            sending = false;
            enqueue(photosKept !== false);
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
            if (navigator.onLine === false) { enqueue(photosKept); return; }
            say('Отправляем обращение…');
            send(photosKept);
        });
    });

    window.addEventListener('online', function () {
        // The queue is sent by pwa.js; a draft that could not be queued (no IndexedDB) is sent from here.
        if (draft.pending && !queued) { say('Сеть появилась — отправляем обращение…'); send(); }
    });
    if (draft.pending && form.dataset.fresh === 'true') {
        (queue ? queue.has(draft.key).catch(function () { return false; }) : Promise.resolve(false)).then(function (inQueue) {
            queued = inQueue;
            if (inQueue || navigator.onLine === false) say(WAITING);
            else { say('Отправляем сохранённое обращение…'); send(); }
        });
    }
})();
