// Shows a question only while its condition holds ("if 23.1–23.4 is 1, 2 or 3, ask why"), as the server decides it:
// the server drops the answers to hidden questions, so what a person sees is what is kept.
(function () {
    var form = document.querySelector('form[data-survey]');
    if (!form) return;
    // Razor writes data-* attributes even when empty: only the questions with a condition have a value.
    var boxes = Array.prototype.slice.call(form.querySelectorAll('[data-show-if]:not([data-show-if=""])'));
    function values(key) {
        return Array.prototype.slice.call(form.elements)
            .filter(function (e) { return e.name === 'q[' + key + ']' && ((e.type !== 'radio' && e.type !== 'checkbox') || e.checked); })
            .map(function (e) { return e.value; });
    }
    function update() {
        boxes.forEach(function (box) {
            var c = JSON.parse(box.getAttribute('data-show-if'));
            var holds = c.keys.some(function (k) { return values(k).some(function (v) { return c.values.indexOf(v) >= 0; }); });
            box.hidden = !holds;
        });
    }
    form.addEventListener('change', update);
    form.addEventListener('input', update);
    update();
})();
