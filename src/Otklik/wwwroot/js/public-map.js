// The public map (/map): territory outlines, and the published appeals as markers clustered by the server for the
// current zoom (/map/markers?zoom=..): a single appeal is a marker with a link, a cluster a circle with its count that
// zooms in when pressed. Without a tile server the outlines and the markers still show.
(function () {
    'use strict';
    if (!window.L) return;
    L.Icon.Default.imagePath = '/lib/leaflet/images/';

    function outline(geometry) {
        var polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : geometry.type === 'Polygon' ? [geometry.coordinates] : [];
        return polygons.map(function (p) { return p.map(function (ring) { return ring.map(function (c) { return [c[1], c[0]]; }); }); });
    }

    // Everything that comes from data (numbers, topic and territory names) is put into the page as text, in elements
    // built here: Leaflet treats a string given to a popup, a tooltip or an icon as HTML.
    function node(tag, text) {
        var e = document.createElement(tag);
        if (text !== undefined && text !== null) e.textContent = String(text);
        return e;
    }

    function popup(m) {
        var box = node('div');
        var link = node('a', '№ ' + m.number);
        link.href = '/appeals/' + encodeURIComponent(m.number);
        box.appendChild(link);
        box.appendChild(node('br'));
        box.appendChild(document.createTextNode(m.title || ''));
        return box;
    }

    function init(el) {
        var map = L.map(el, { attributionControl: !!el.dataset.tiles });
        if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || '' }).addTo(map);
        map.setView([56.8, 61.0], 8);
        // «Найти адрес» and «Моё местоположение» above the map: the view moves there, a ring marks the place.
        var find = document.getElementById('map-find');
        if (find && window.OtklikAddress) {
            var here = null;
            window.OtklikAddress({
                input: find, map: map, status: document.getElementById('map-find-status'), locate: document.getElementById('map-find-locate'),
                place: function (point) {
                    if (here) here.setLatLng(point);
                    else here = L.circleMarker(point, { radius: 10, color: '#0b5cad', weight: 3, fill: false, interactive: false }).addTo(map);
                },
                write: function () { }
            });
        }
        // The open polls of a territory (issue 22.6): the territory is tinted, and pressing it lists them with their links.
        var polls = {};
        JSON.parse(el.dataset.polls || '[]').forEach(function (p) { (polls[p.territory] = polls[p.territory] || []).push(p); });
        function pollPopup(t, list) {
            var box = node('div');
            box.appendChild(node('strong', 'Голосования для жителей: ' + t.name));
            var ul = node('ul');
            list.forEach(function (p) {
                var li = node('li');
                var a = node('a', p.question);
                a.href = '/polls/' + encodeURIComponent(p.id);
                li.appendChild(a);
                li.appendChild(document.createTextNode(' — до ' + p.closes));
                ul.appendChild(li);
            });
            box.appendChild(ul);
            return box;
        }
        var layer = L.layerGroup().addTo(map);
        var url = el.dataset.markers;
        var request = 0;

        function draw(markers) {
            layer.clearLayers();
            markers.forEach(function (m) {
                if (m.count === 1) {
                    L.marker([m.lat, m.lon], { title: '№ ' + m.number + ': ' + m.title, alt: '№ ' + m.number })
                        .bindPopup(popup(m))
                        .addTo(layer);
                } else {
                    var size = m.count < 10 ? 34 : m.count < 100 ? 40 : 48;
                    L.marker([m.lat, m.lon], {
                        title: 'Обращений рядом: ' + m.count + '. Приблизить',
                        icon: L.divIcon({ className: 'cluster', html: node('span', m.count), iconSize: [size, size] })
                    }).on('click keypress', function () { map.setView([m.lat, m.lon], Math.min(map.getZoom() + 2, 18)); }).addTo(layer);
                }
            });
            el.dataset.markersShown = String(markers.length);
        }

        function load() {
            var mine = ++request;
            var sep = url.indexOf('?') < 0 ? '?' : (url.endsWith('?') ? '' : '&');
            fetch(url + sep + 'zoom=' + map.getZoom(), { headers: { Accept: 'application/json' } })
                .then(function (r) { return r.ok ? r.json() : []; })
                .then(function (markers) { if (mine === request) draw(markers); })
                .catch(function () { /* the list under the map has the same appeals */ });
        }

        var first = true;
        map.on('zoomend', function () { if (!first) load(); });

        fetch(el.dataset.territories, { headers: { Accept: 'application/json' } })
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(function (list) {
                return Promise.all(list.map(function (t) {
                    return fetch(el.dataset.territories + '/' + t.id, { headers: { Accept: 'application/json' } })
                        .then(function (r) { return r.ok ? r.json() : null; });
                }));
            })
            .then(function (details) {
                var bounds = L.latLngBounds([]);
                details.forEach(function (t) {
                    if (!t || !t.boundary) return;
                    var asked = polls[t.id];
                    var shape = L.polygon(outline(t.boundary), asked ? {
                        color: '#9a4d00', weight: 3, fill: true, fillColor: '#f0a030', fillOpacity: 0.18, className: 'territory territory-poll territory-' + t.code
                    } : {
                        color: '#4a5560', weight: 2, fill: true, fillOpacity: 0.04, interactive: false, className: 'territory territory-' + t.code
                    }).addTo(map);
                    if (asked) shape.bindPopup(pollPopup(t, asked)).bindTooltip(node('span', 'Голосований: ' + asked.length + '. Нажмите, чтобы открыть'));
                    // Without tiles the names are the only landmarks; under the outline, so that they never cover a marker.
                    if (!el.dataset.tiles) {
                        var b = shape.getBounds();
                        L.tooltip({ permanent: true, direction: 'bottom', className: 'territory-label' })
                            .setLatLng([b.getSouth(), b.getCenter().lng]).setContent(node('span', t.name)).addTo(map);
                    }
                    bounds.extend(shape.getBounds());
                });
                if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 28], animate: false });
            })
            .catch(function () { })
            .then(function () { first = false; load(); });
    }

    document.querySelectorAll('[data-public-map]').forEach(init);
})();
