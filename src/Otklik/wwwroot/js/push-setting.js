// «Уведомления в браузере» on /my/notifications (ADR 0040): turning the setting on subscribes this browser to web push
// through the service worker and tells the server (POST /api/v1/push/subscriptions); turning it off stops the
// person's notifications (PUT /api/v1/push/settings) and forgets this browser. The page reloads to show the new state.
(function () {
    'use strict';
    var box = document.getElementById('push-setting');
    if (!box) return;
    var status = box.querySelector('[data-push-status]');
    var input = document.getElementById('push-enabled');
    if (!status || !input) return; // web push is not configured on this portal: the page already says so
    function say(text) { status.textContent = text; }
    if (!('serviceWorker' in navigator) || !('PushManager' in window) || !window.Notification) return;
    document.querySelectorAll('[data-push-control]').forEach(function (e) { e.hidden = false; });
    say('');
    if (Notification.permission === 'denied')
        say('Уведомления для этого сайта запрещены в настройках браузера. Разрешите их там (значок слева от адреса сайта), затем включите здесь.');

    // Marks "this browser" in the list of connected browsers.
    navigator.serviceWorker.ready.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (s) {
        if (!s) return;
        document.querySelectorAll('#push-browsers li').forEach(function (li) {
            if (li.getAttribute('data-endpoint') === s.endpoint) li.querySelector('[data-this-browser]').hidden = false;
        });
    }).catch(function () { });

    function key(base64url) {
        var s = (base64url + '===='.slice(base64url.length % 4)).replace(/-/g, '+').replace(/_/g, '/');
        var raw = atob(s), out = new Uint8Array(raw.length);
        for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
        return out;
    }
    function json(method, url, body) {
        return fetch(url, {
            method: method, credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        }).then(function (r) { if (!r.ok && r.status !== 204) throw new Error('server ' + r.status); return r.status === 204 ? null : r.json(); });
    }

    function turnOn() {
        return Notification.requestPermission().then(function (permission) {
            if (permission !== 'granted') throw new Error('Разрешите уведомления для этого сайта в настройках браузера.');
            return Promise.all([navigator.serviceWorker.ready, json('GET', '/api/v1/push/key')]);
        }).then(function (got) {
            if (!got[1].publicKey) throw new Error('Уведомления в браузере на этом портале не настроены.');
            return got[0].pushManager.getSubscription().then(function (s) {
                return s || got[0].pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(got[1].publicKey) });
            });
        }).then(function (subscription) {
            return json('POST', '/api/v1/push/subscriptions', subscription.toJSON());
        });
    }
    function turnOff() {
        return navigator.serviceWorker.ready.then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (s) {
            var gone = s ? json('DELETE', '/api/v1/push/subscriptions?endpoint=' + encodeURIComponent(s.endpoint)).then(function () { return s.unsubscribe(); }) : null;
            return Promise.all([gone, json('PUT', '/api/v1/push/settings', { enabled: false })]);
        });
    }
    // A browser may rotate its subscription: with the setting on and permission given, this page hands the current one in again.
    if (input.checked && Notification.permission === 'granted') turnOn().catch(function () { });
    input.addEventListener('change', function () {
        var on = input.checked;
        input.disabled = true;
        say(on ? 'Включаем…' : 'Выключаем…');
        (on ? turnOn() : turnOff()).then(function () { location.reload(); }, function (e) {
            input.checked = !on;
            input.disabled = false;
            say((on ? 'Не удалось включить уведомления. ' : 'Не удалось выключить уведомления. ') + (e && e.message && /[а-я]/i.test(e.message) ? e.message : 'Попробуйте ещё раз.'));
        });
    });
})();
