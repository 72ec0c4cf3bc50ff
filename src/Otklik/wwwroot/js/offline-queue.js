// The queue of appeals submitted without network, shared by the page (submit.js, pwa.js) and the service worker
// (sw.js imports it), so that whichever runs first when the network returns — Background Sync in the worker, the
// page's "online" event, or the next page opened — sends them. Plain script, no build step: it defines one global.
//
// Storage: IndexedDB "otklik-submit" (the page's draft fields stay in localStorage as one types; localStorage is not
// readable from a service worker, so a submission is copied here whole):
//   photos  key → File[]        the photos of a submission (kept by submit.js since before the worker existed)
//   queue   key → {key, fields: [[name, value]…], at}   a submitted form waiting for the network
//   results key → {key, number, url, at} | {key, html, status, at}   what the server answered, for the page to show
// Each form carries its idempotency key, so a form sent twice (the worker and a page at once, a lost answer) is one
// appeal on the server; a Web Lock keeps the device itself from sending the same form twice at once.
(function (global) {
    'use strict';
    var DB = 'otklik-submit', VERSION = 2;

    function open() {
        return new Promise(function (resolve, reject) {
            if (!global.indexedDB) { reject(new Error('no IndexedDB')); return; }
            var request = global.indexedDB.open(DB, VERSION);
            request.onupgradeneeded = function () {
                var db = request.result;
                ['photos', 'queue', 'results'].forEach(function (s) { if (!db.objectStoreNames.contains(s)) db.createObjectStore(s); });
            };
            request.onsuccess = function () { resolve(request.result); };
            request.onerror = function () { reject(request.error); };
        });
    }
    function tx(store, mode, work) {
        return open().then(function (db) {
            return new Promise(function (resolve, reject) {
                var t = db.transaction(store, mode);
                var request = work(t.objectStore(store));
                t.oncomplete = function () { db.close(); resolve(request ? request.result : undefined); };
                t.onerror = function () { db.close(); reject(t.error); };
            });
        });
    }
    function all(store) {
        return tx(store, 'readonly', function (s) { return s.getAll(); }).then(function (r) { return r || []; });
    }

    // The antiforgery token of a page cached days ago may belong to another session: each send takes a fresh one.
    function freshToken() {
        return fetch('/submit', { credentials: 'same-origin', cache: 'no-store' })
            .then(function (r) { if (!r.ok) throw new Error('form ' + r.status); return r.text(); })
            .then(function (html) {
                var m = /name="__RequestVerificationToken"[^>]*value="([^"]+)"/.exec(html) || /value="([^"]+)"[^>]*name="__RequestVerificationToken"/.exec(html);
                return m ? m[1] : null;
            });
    }

    // One queued form to the server. Resolves with the result to keep, or rejects when the network (or a server that
    // is down or busy) should be tried again later.
    function sendOne(entry) {
        return Promise.all([freshToken(), tx('photos', 'readonly', function (s) { return s.get(entry.key); }).catch(function () { return null; })])
            .then(function (got) {
                var body = new FormData();
                entry.fields.forEach(function (f) { if (f[0] !== '__RequestVerificationToken' && f[0] !== 'Photos') body.append(f[0], f[1]); });
                if (got[0]) body.append('__RequestVerificationToken', got[0]);
                (got[1] || []).forEach(function (file) { body.append('Photos', file, file.name); });
                return fetch('/submit', { method: 'POST', body: body, credentials: 'same-origin' });
            })
            .then(function (response) {
                var at = new Date().toISOString();
                var path = new URL(response.url).pathname;
                var mine = /^\/my\/([^/?#]+)$/.exec(path);
                if (response.redirected && mine) return { key: entry.key, number: decodeURIComponent(mine[1]), url: response.url, at: at };
                // Kept for e-mail confirmation (a visitor), or refused for a field to fix: the page shows the server's answer.
                if (response.status === 200 || response.status === 422 || response.status === 400)
                    return response.text().then(function (html) { return { key: entry.key, html: html, status: response.status, at: at }; });
                throw new Error('server ' + response.status);
            })
            .then(function (result) {
                return tx('results', 'readwrite', function (s) { return s.put(result, entry.key); })
                    .then(function () { return tx('queue', 'readwrite', function (s) { return s.delete(entry.key); }); })
                    .then(function () { return result.number ? tx('photos', 'readwrite', function (s) { return s.delete(entry.key); }) : null; })
                    .then(function () { return result; });
            });
    }

    function flushUnlocked() {
        return all('queue').then(function (entries) {
            var sent = [], failed = null;
            return entries.reduce(function (chain, entry) {
                return chain.then(function () {
                    return sendOne(entry).then(function (r) { sent.push(r); }, function (e) { failed = e; });
                });
            }, Promise.resolve()).then(function () {
                if (failed && sent.length === 0) throw failed;
                return { sent: sent, left: failed ? entries.length - sent.length : 0 };
            });
        });
    }

    global.OtklikQueue = {
        // Keeps a submitted form (FormData of the page) until the network takes it.
        put: function (key, formData) {
            var fields = [];
            formData.forEach(function (value, name) { if (typeof value === 'string') fields.push([name, value]); });
            return tx('queue', 'readwrite', function (s) { return s.put({ key: key, fields: fields, at: new Date().toISOString() }, key); });
        },
        pending: function () { return all('queue'); },
        has: function (key) { return tx('queue', 'readonly', function (s) { return s.count(key); }).then(function (n) { return n > 0; }); },
        savePhotos: function (key, files) { return tx('photos', 'readwrite', function (s) { return s.put(files, key); }); },
        loadPhotos: function (key) { return tx('photos', 'readonly', function (s) { return s.get(key); }).catch(function () { return null; }); },
        dropPhotos: function (key) { return tx('photos', 'readwrite', function (s) { return s.delete(key); }).catch(function () { }); },
        drop: function (key) {
            return tx('queue', 'readwrite', function (s) { return s.delete(key); }).catch(function () { })
                .then(function () { return global.OtklikQueue.dropPhotos(key); });
        },
        results: function () { return all('results').catch(function () { return []; }); },
        forget: function (key) { return tx('results', 'readwrite', function (s) { return s.delete(key); }).catch(function () { }); },
        // Sends every queued form, one at a time, one sender per device at a time. Rejects when something could not
        // go yet (Background Sync then tries again later).
        flush: function () {
            if (global.navigator && global.navigator.locks && global.navigator.locks.request)
                return global.navigator.locks.request('otklik-submit-queue', flushUnlocked);
            return flushUnlocked();
        },
    };
})(self);
