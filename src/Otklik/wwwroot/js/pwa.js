// The installable portal (ADR 0040), on every page of the portal: registers the service worker (sw.js), sends the
// forms queued without network when the network returns or a page opens, and tells the person the number of an
// appeal that went while they were elsewhere. /submit's own script (submit.js) takes the answer for its form.
(function () {
    'use strict';
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () { });
    var queue = window.OtklikQueue;
    if (!queue) return;

    function banner(result) {
        var main = document.getElementById('main');
        if (!main || !result.number) return;
        var p = document.createElement('p');
        p.className = 'notice queued-notice';
        p.setAttribute('role', 'status');
        p.append('Обращение, сохранённое без сети, отправлено. Номер: ');
        var a = document.createElement('a');
        a.href = '/my/' + encodeURIComponent(result.number);
        a.textContent = result.number;
        p.append(a);
        main.insertBefore(p, main.firstChild);
    }
    // One answer of the server to a queued form: the page whose form it was takes it (submit.js cancels the event);
    // any other page shows the number. Either way it is shown once.
    var seen = {};
    function handle(result) {
        if (seen[result.key]) return;
        seen[result.key] = true;
        queue.forget(result.key).then(function () {
            if (window.dispatchEvent(new CustomEvent('otklik-sent', { detail: result, cancelable: true }))) banner(result);
        });
    }
    function flush() {
        if (navigator.onLine === false) return;
        queue.pending().then(function (list) {
            if (list.length === 0) return null;
            return queue.flush().then(function (outcome) { outcome.sent.forEach(handle); });
        }).catch(function () { });
    }

    window.OtklikPwa = { flush: flush };
    navigator.serviceWorker.addEventListener('message', function (e) {
        if (e.data && e.data.type === 'otklik-sent' && e.data.result) handle(e.data.result);
    });
    window.addEventListener('online', flush);
    // After the page's own scripts (deferred, before this event) have said which answers they take.
    document.addEventListener('DOMContentLoaded', function () {
        queue.results().then(function (list) { list.forEach(handle); }).then(flush);
    });
})();
