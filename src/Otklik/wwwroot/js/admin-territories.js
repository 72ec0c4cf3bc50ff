// The territories' preview map: today's boundaries in grey, the ones being imported in blue, the view fitted to both.
// Names come from an uploaded file: they reach the page as text, never as HTML.
(function () {
    'use strict';
    var el = document.querySelector('[data-territory-preview]');
    var data = document.getElementById('territory-map-data');
    if (!window.L || !el || !data) return;
    var model = JSON.parse(data.textContent || '{}');
    var map = L.map(el, { attributionControl: !!el.dataset.tiles });
    // The same tile server as the office's other maps, when one is configured; without it only the outlines.
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || '' }).addTo(map);
    var bounds = L.latLngBounds([]);

    function draw(geometry, name, style) {
        var layer = L.geoJSON(geometry, { style: style }).addTo(map);
        if (name) {
            var label = document.createElement('span');
            label.textContent = name;
            layer.bindTooltip(label, { permanent: false });
        }
        bounds.extend(layer.getBounds());
    }

    (model.current || []).forEach(function (t) {
        draw(t.geometry, t.Name || t.name, t.drawn ? { color: '#7a3db8', weight: 2, dashArray: '4 4', fillOpacity: 0.1 } : { color: '#6b7785', weight: 1, fillOpacity: 0.1 });
    });
    var imported = model.imported;
    if (imported && imported.features) {
        imported.features.forEach(function (f) {
            draw(f.geometry, f.properties && f.properties.name, { color: '#1c5fb8', weight: 3, fillOpacity: 0.25, className: 'imported' });
        });
    }
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] }); else map.setView([0, 0], 2);

    // Drawing: each click on the map adds a point of the new area's boundary; the points go to the form's text field
    // ("lat,lon;lat,lon;…"), which stays the way to give them without a mouse, and the server checks them.
    var form = document.querySelector('[data-draw-form]');
    if (!form) return;
    var field = form.querySelector('#drawn-points');
    var hint = form.querySelector('[data-draw-hint]');
    var count = form.querySelector('[data-draw-count]');
    var drawing = false;
    var points = [];
    var shape = L.polygon([], { color: '#b8321c', weight: 3, fillOpacity: 0.2, className: 'drawn-shape' }).addTo(map);
    var dots = L.layerGroup().addTo(map);

    function fromField() {
        points = (field.value || '').split(';').map(function (p) { return p.split(',').map(Number); })
            .filter(function (p) { return p.length === 2 && !isNaN(p[0]) && !isNaN(p[1]); });
    }
    function render(write) {
        shape.setLatLngs(points);
        dots.clearLayers();
        points.forEach(function (p) { L.circleMarker(p, { radius: 4, color: '#b8321c', className: 'drawn-point' }).addTo(dots); });
        if (write) field.value = points.map(function (p) { return p[0].toFixed(6) + ',' + p[1].toFixed(6); }).join(';');
        count.textContent = String(points.length);
    }
    function start() {
        drawing = true;
        hint.hidden = false;
        el.classList.add('drawing');
        el.style.cursor = 'crosshair';
        map.doubleClickZoom.disable();
        form.querySelector('#drawn-name').focus({ preventScroll: true });
    }
    map.on('click', function (e) {
        if (!drawing) return;
        points.push([e.latlng.lat, e.latlng.lng]);
        render(true);
    });
    form.querySelector('[data-draw-start]').addEventListener('click', start);
    form.querySelector('[data-draw-undo]').addEventListener('click', function () { points.pop(); render(true); });
    form.querySelector('[data-draw-clear]').addEventListener('click', function () { points = []; render(true); });
    field.addEventListener('change', function () { fromField(); render(false); });
    fromField();
    render(false);
    if (form.dataset.drawOpen === 'true' || points.length > 0) start();
})();
