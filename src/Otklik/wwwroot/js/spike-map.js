// The spike map of /office/analytics/spikes: the region's municipalities in grey, each one with a spike tinted by how far
// its largest spike is above the threshold; a click opens the list of its spikes, each a link to the appeals behind it.
// Names and texts reach the page as text, never as HTML. The table beside the map says the same for screen readers.
(function () {
    'use strict';
    var el = document.querySelector('[data-spike-map]');
    var data = document.getElementById('spike-map-data');
    if (!window.L || !el || !data) return;
    var model = JSON.parse(data.textContent || '{}');
    var map = L.map(el, { attributionControl: !!el.dataset.tiles });
    if (el.dataset.tiles) L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || '' }).addTo(map);
    var all = L.latLngBounds([]);
    var hot = L.latLngBounds([]);

    function popup(t) {
        var box = document.createElement('div');
        var title = document.createElement('strong');
        title.textContent = t.name;
        box.appendChild(title);
        var list = document.createElement('ul');
        list.className = 'plain';
        t.spikes.forEach(function (s) {
            var li = document.createElement('li');
            var a = document.createElement('a');
            a.href = s.link;
            a.textContent = s.name + ', ' + s.window + ': ' + s.count + ' (обычно ' + s.baseline + ')';
            li.appendChild(a);
            list.appendChild(li);
        });
        box.appendChild(list);
        return box;
    }

    (model.territories || []).forEach(function (t) {
        var spiking = t.spikes && t.spikes.length > 0;
        // 1 × threshold: light; 3 × and more: the darkest.
        var strength = spiking ? Math.min(1, 0.35 + (t.level - 1) * 0.3) : 0;
        var layer = L.geoJSON(t.geometry, {
            style: spiking
                ? { color: '#8a1c1c', weight: 2, fillColor: '#c0392b', fillOpacity: Math.max(0.25, strength * 0.7), className: 'spike-area' }
                : { color: '#6b7785', weight: 1, fillOpacity: 0.05 }
        }).addTo(map);
        var label = document.createElement('span');
        label.textContent = spiking ? t.name + ': ' + t.spikes.length + ' всплеск(а)' : t.name;
        layer.bindTooltip(label);
        if (spiking) {
            layer.bindPopup(popup(t));
            hot.extend(layer.getBounds());
        }
        all.extend(layer.getBounds());
    });
    if (hot.isValid()) map.fitBounds(all.isValid() ? all : hot, { padding: [10, 10] }); else if (all.isValid()) map.fitBounds(all); else map.setView([0, 0], 2);
})();
