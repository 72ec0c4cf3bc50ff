// Topic lists follow the chosen category without a reload. Without JavaScript the "show topics" button reloads the form.
(function () {
    document.querySelectorAll('select[data-topics-for]').forEach(function (category) {
        var topic = document.getElementById(category.getAttribute('data-topics-for'));
        if (!topic) return;
        var all = JSON.parse(topic.getAttribute('data-topics') || '[]');
        category.form.querySelectorAll('.js-hide').forEach(function (b) { b.hidden = true; });
        category.addEventListener('change', function () {
            var keep = topic.value;
            while (topic.options.length > 1) topic.remove(1);
            all.filter(function (t) { return t.category === category.value; }).forEach(function (t) {
                var o = new Option(t.name, t.id);
                o.selected = t.id === keep;
                topic.add(o);
            });
        });
    });
})();
