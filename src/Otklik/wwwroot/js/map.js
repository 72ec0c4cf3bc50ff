// Maps of _Map.cshtml: territory outlines, the appeal's point as a marker; when editable, a click or a drag of the
// marker writes the point into the form's latitude/longitude inputs, and typing in them moves the marker.
(function () {
    'use strict';
    if (!window.L) return;
    L.Icon.Default.imagePath = '/lib/leaflet/images/';

    function parse(text) {
        if (text === undefined || text === null) return null;
        var s = String(text).trim().replace(',', '.');
        if (s === '') return null;
        var v = Number(s);
        return isFinite(v) ? v : null;
    }

    function outline(geometry) {
        // GeoJSON rings are [lon, lat]; Leaflet wants [lat, lon].
        var polygons = geometry.type === 'MultiPolygon' ? geometry.coordinates : geometry.type === 'Polygon' ? [geometry.coordinates] : [];
        return polygons.map(function (p) { return p.map(function (ring) { return ring.map(function (c) { return [c[1], c[0]]; }); }); });
    }

    // Names come from data (an imported territory): they reach the page as text, never as HTML.
    function label(text) {
        var span = document.createElement('span');
        span.textContent = text;
        return span;
    }

    function init(el) {
        var latInput = el.dataset.latInput ? document.getElementById(el.dataset.latInput) : null;
        var lonInput = el.dataset.lonInput ? document.getElementById(el.dataset.lonInput) : null;
        var editable = el.dataset.editable === 'true' && latInput && lonInput;
        var lat = editable ? parse(latInput.value) : parse(el.dataset.lat);
        var lon = editable ? parse(lonInput.value) : parse(el.dataset.lon);

        var map = L.map(el, { attributionControl: !!el.dataset.tiles });
        if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || '' }).addTo(map);
        map.setView(lat !== null && lon !== null ? [lat, lon] : [0, 0], lat !== null && lon !== null ? 14 : 2);
        // A map inside a closed <details> (the card's «Подробнее») is drawn at zero size: redraw it when it is opened.
        var folded = el.closest('details');
        if (folded) folded.addEventListener('toggle', function () {
            if (folded.open) { map.invalidateSize(); if (lat !== null && lon !== null) map.setView([lat, lon], map.getZoom() || 14); }
        });

        var marker = null;
        function place(point) {
            if (!marker) {
                marker = L.marker(point, { draggable: !!editable, keyboard: false }).addTo(map);
                if (editable) marker.on('dragend', function () { write(marker.getLatLng()); if (address) address.nearest(marker.getLatLng()); });
            } else {
                marker.setLatLng(point);
            }
        }
        function write(point) {
            latInput.value = point.lat.toFixed(6);
            lonInput.value = point.lng.toFixed(6);
            [latInput, lonInput].forEach(function (i) { i.dispatchEvent(new Event('change', { bubbles: true })); });
        }
        if (lat !== null && lon !== null) place([lat, lon]);

        // The address register: search in the address field, the nearest address of a tapped point, "my location".
        var address = editable && el.dataset.addressInput && window.OtklikAddress ? window.OtklikAddress({
            input: document.getElementById(el.dataset.addressInput), map: map, place: place, write: write,
            status: document.getElementById(el.id + '-status'), locate: document.getElementById(el.id + '-locate'),
        }) : null;

        if (editable) {
            map.on('click', function (e) { place(e.latlng); write(e.latlng); if (address) address.nearest(e.latlng); });
            var typed = function () {
                var a = parse(latInput.value), b = parse(lonInput.value);
                if (a !== null && b !== null && Math.abs(a) <= 90 && Math.abs(b) <= 180) place([a, b]);
            };
            latInput.addEventListener('input', typed);
            lonInput.addEventListener('input', typed);
        }

        if (!el.dataset.territories) return;
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
                    var own = t.id === el.dataset.territory;
                    var shape = L.polygon(outline(t.boundary), {
                        color: own ? '#0b5cad' : '#4a5560', weight: own ? 3 : 2, fill: true, fillOpacity: own ? 0.08 : 0.03,
                        interactive: false, className: 'territory territory-' + t.code
                    }).addTo(map);
                    // Without tiles the names are the only way to tell the outlines apart.
                    if (!el.dataset.tiles) shape.bindTooltip(label(t.name), { permanent: true, direction: 'center', className: 'territory-label' });
                    bounds.extend(shape.getBounds());
                });
                // With tiles the point is worth a close look; without them the outlines are the only landmarks.
                if (marker && el.dataset.tiles) return;
                if (marker) bounds.extend(marker.getLatLng());
                if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], animate: false });
            })
            .catch(function () { /* the outlines are a help, not a must: the marker and the inputs still work */ });
    }

    document.querySelectorAll('[data-map]').forEach(init);
})();
