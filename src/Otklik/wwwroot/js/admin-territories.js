// The territories' preview map: today's boundaries in grey, the ones being imported in blue, the view fitted to both.
// Names come from an uploaded file: they reach the page as text, never as HTML.
(function () {
    'use strict';
    var el = document.querySelector('[data-territory-preview]');
    var data = document.getElementById('territory-map-data');
    if (!window.L || !el || !data) return;
    var model = JSON.parse(data.textContent || '{}');
    var map = L.map(el, { attributionControl: false });
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

    (model.current || []).forEach(function (t) { draw(t.geometry, t.Name || t.name, { color: '#6b7785', weight: 1, fillOpacity: 0.1 }); });
    var imported = model.imported;
    if (imported && imported.features) {
        imported.features.forEach(function (f) {
            draw(f.geometry, f.properties && f.properties.name, { color: '#1c5fb8', weight: 3, fillOpacity: 0.25, className: 'imported' });
        });
    }
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] }); else map.setView([0, 0], 2);
})();
