// Keying in from paper: a one-digit answer moves the cursor to the next field, so a questionnaire is typed without the mouse.
(function () {
    var form = document.querySelector('form[data-paper]');
    if (!form) return;
    var fields = Array.prototype.slice.call(form.querySelectorAll('input[name^="q["], select[name^="q["], textarea[name^="q["]'));
    form.addEventListener('input', function (e) {
        var t = e.target;
        if (!t.hasAttribute('data-advance') || !/^\d$/.test(t.value)) return;
        var i = fields.indexOf(t);
        if (i >= 0 && i + 1 < fields.length) fields[i + 1].focus();
    });
})();
