// The portal's service worker (ADR 0040): the portal opens without network, a form submitted offline is sent by
// Background Sync when the network returns, and web push shows the applicant's notifications. Plain script, no build.
//
// What is cached, and what never is:
// - static files (/css, /js, /lib, /icons, the manifest): a versioned URL (?v=hash) from the cache first, else the
//   network first;
// - public portal pages (the home page, the form, the feed, the map, FAQ …): the network first, the last copy when
//   there is none; a page never opened offline gets /offline;
// - personal pages (/my, /account, /office), every API answer (/api, /open311, a page's ?handler= JSON), uploads and
//   map tiles: never cached, never answered from a cache.
// VERSION changes with every change of this file: the worker is then installed anew and older caches are dropped.
'use strict';
importScripts('/js/offline-queue.js');

var VERSION = 'otklik-2026-12-07-1';
var STATIC = VERSION + '-static';
var PAGES = VERSION + '-pages';
var SHELL = ['/', '/submit', '/offline', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png'];
var PERSONAL = /^\/(my|account|office|api|open311|openapi|api-docs|embed|health|metrics|signin-oidc|attachments|files|map\/tiles)(\/|$)/;
var ASSET = /^\/(css|js|lib|icons)\/|^\/manifest\.webmanifest$/;

// The shell and what its pages load (their scripts and styles carry version hashes the worker cannot guess).
function precache() {
    return caches.open(PAGES).then(function (pages) {
        return caches.open(STATIC).then(function (assets) {
            return Promise.all(SHELL.map(function (url) {
                return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
                    if (!response.ok) return null;
                    if (ASSET.test(url)) return assets.put(url, response);
                    return response.clone().text().then(function (html) {
                        var found = [], re = /(?:src|href)="(\/(?:css|js|lib|icons)\/[^"]+)"/g, m;
                        while ((m = re.exec(html)) !== null) found.push(m[1].replace(/&amp;/g, '&'));
                        return pages.put(url, response).then(function () {
                            return Promise.all(found.map(function (asset) {
                                return fetch(asset).then(function (r) { return r.ok ? assets.put(asset, r) : null; }).catch(function () { });
                            }));
                        });
                    });
                }).catch(function () { });
            }));
        });
    });
}

self.addEventListener('install', function (event) {
    event.waitUntil(precache().then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
    event.waitUntil(caches.keys().then(function (names) {
        return Promise.all(names.filter(function (n) { return n !== STATIC && n !== PAGES; }).map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.clients.claim(); }));
});

function fromNetworkKeeping(request, cacheName) {
    return fetch(request).then(function (response) {
        // Only a plain answer of our own is kept: not a redirect (a sign-in page instead of the one asked for), not an error.
        if (response.ok && response.type === 'basic' && !response.redirected) {
            var copy = response.clone();
            caches.open(cacheName).then(function (c) { return c.put(request, copy); });
        }
        return response;
    });
}

self.addEventListener('fetch', function (event) {
    var request = event.request;
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) return;
    // Signing out: the copies of pages made while signed in (the header names the person) go with the session.
    if (request.method === 'POST' && /^\/(account|office)\/logout$/.test(url.pathname)) {
        event.waitUntil(caches.delete(PAGES));
        return;
    }
    if (request.method !== 'GET' || PERSONAL.test(url.pathname) || url.searchParams.has('handler')) {
        // A personal page opened without network gets the offline page, never a copy.
        if (request.mode === 'navigate' && request.method === 'GET')
            event.respondWith(fetch(request).catch(function () { return caches.match('/offline'); }));
        return;
    }
    if (ASSET.test(url.pathname)) {
        event.respondWith(url.searchParams.has('v')
            ? caches.match(request).then(function (hit) { return hit || fromNetworkKeeping(request, STATIC); })
            : fromNetworkKeeping(request, STATIC).catch(function () { return caches.match(request); }));
        return;
    }
    if (request.mode === 'navigate') {
        event.respondWith(fromNetworkKeeping(request, PAGES).catch(function () {
            return caches.match(request, { cacheName: PAGES }).then(function (hit) {
                return hit || caches.match('/offline');
            });
        }));
    }
});

// ---- Forms submitted without network ----

function tellPages(message) {
    return self.clients.matchAll({ type: 'window' }).then(function (list) {
        list.forEach(function (c) { c.postMessage(message); });
        return list.length;
    });
}

function sendQueued() {
    return self.OtklikQueue.flush().then(function (outcome) {
        return Promise.all(outcome.sent.map(function (r) {
            return tellPages({ type: 'otklik-sent', result: r }).then(function (open) {
                // Sent while no page of the portal was open: say so on the device, if the person allowed notifications.
                if (open === 0 && r.number && self.Notification && Notification.permission === 'granted')
                    return self.registration.showNotification('Обращение отправлено', { body: 'Номер обращения: ' + r.number, data: { url: r.url }, tag: 'sent-' + r.key, icon: '/icons/icon-192.png' });
                return null;
            });
        })).then(function () { if (outcome.left > 0) throw new Error('some forms are still waiting'); });
    });
}

self.addEventListener('sync', function (event) {
    if (event.tag === 'otklik-submit') event.waitUntil(sendQueued());
});

self.addEventListener('message', function (event) {
    if (event.data && event.data.type === 'otklik-flush') event.waitUntil(sendQueued().catch(function () { }));
});

// ---- Web push: notifications about the person's own appeals ----

self.addEventListener('push', function (event) {
    var data = {};
    try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: 'Отклик', body: event.data ? event.data.text() : '' }; }
    event.waitUntil(self.registration.showNotification(data.title || 'Отклик', {
        body: data.body || '', tag: data.tag, data: { url: data.url || '/my' }, icon: '/icons/icon-192.png', badge: '/icons/icon-192.png', lang: 'ru',
    }));
});

self.addEventListener('notificationclick', function (event) {
    event.notification.close();
    var target = new URL((event.notification.data && event.notification.data.url) || '/my', self.location.origin);
    // Only our own pages: a push names a path on this site, never another.
    if (target.origin !== self.location.origin) target = new URL('/my', self.location.origin);
    event.waitUntil(self.clients.matchAll({ type: 'window' }).then(function (list) {
        for (var i = 0; i < list.length; i++) if (list[i].url === target.href && 'focus' in list[i]) return list[i].focus();
        return self.clients.openWindow(target.href);
    }));
});
