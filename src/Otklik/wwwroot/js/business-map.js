// The business portal's map (/business/sites, /business/incubators): each place a marker whose popup links to its page
// and to its owner's fund page; territory outlines when the tile server is absent. Data are put in as text, never HTML.
(function () {
    'use strict';
    if (!window.L) return;
    L.Icon.Default.imagePath = '/lib/leaflet/images/';
    function node(tag, text) { var e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); return e; }
    function outline(g) {
        var polygons = g.type === 'MultiPolygon' ? g.coordinates : g.type === 'Polygon' ? [g.coordinates] : [];
        return polygons.map(function (p) { return p.map(function (ring) { return ring.map(function (c) { return [c[1], c[0]]; }); }); });
    }
    document.querySelectorAll('[data-business-map]').forEach(function (el) {
        var map = L.map(el, { attributionControl: !!el.dataset.tiles });
        if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19 }).addTo(map);
        var points = JSON.parse(el.dataset.points || '[]');
        var bounds = L.latLngBounds([]);
        points.forEach(function (p) {
            var box = node('div');
            var a = node('a', p.title); a.href = p.url; box.appendChild(a);
            if (p.address) { box.appendChild(node('br')); box.appendChild(document.createTextNode(p.address)); }
            if (p.owner) { box.appendChild(node('br')); var o = node('a', p.owner); o.href = p.ownerUrl; box.appendChild(o); }
            L.marker([p.lat, p.lon], { title: p.title, alt: p.title }).bindPopup(box).addTo(map);
            bounds.extend([p.lat, p.lon]);
        });
        if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14, animate: false }); else map.setView([56.8, 61.0], 8);
        el.dataset.markersShown = String(points.length);
        if (!el.dataset.tiles && el.dataset.territories) {
            fetch(el.dataset.territories, { headers: { Accept: 'application/json' } }).then(function (r) { return r.ok ? r.json() : []; })
                .then(function (list) { return Promise.all(list.map(function (t) { return fetch(el.dataset.territories + '/' + t.id, { headers: { Accept: 'application/json' } }).then(function (r) { return r.ok ? r.json() : null; }); })); })
                .then(function (details) {
                    details.forEach(function (t) {
                        if (!t || !t.boundary) return;
                        L.polygon(outline(t.boundary), { color: '#4a5560', weight: 2, fill: true, fillOpacity: 0.04, interactive: false }).addTo(map);
                    });
                }).catch(function () { });
        }
    });
})();
