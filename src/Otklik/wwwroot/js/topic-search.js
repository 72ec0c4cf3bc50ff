// Topic search of the office forms (the operator's registration, the moderator's reclassification): a search box above
// every <select data-topic-search="URL">. The page's server handler runs the portal's topic search (word forms and the
// editors' synonyms: «яма» → «Ямы на дорогах»); the topics found are listed as buttons, and choosing one sets the
// category (topics.js then lists its topics) and the topic. Without JavaScript the category and topic lists still work.
(function () {
    'use strict';
    document.querySelectorAll('select[data-topic-search]').forEach(function (topic) {
        var url = topic.getAttribute('data-topic-search');
        var category = topic.form.querySelector('select[data-topics-for="' + topic.id + '"]');
        var names = {};
        if (category) Array.prototype.forEach.call(category.options, function (o) { names[o.value] = o.text; });

        var wrap = document.createElement('div');
        wrap.className = 'topic-search';
        var label = document.createElement('label');
        label.htmlFor = topic.id + '-search';
        label.textContent = 'Поиск темы';
        var input = document.createElement('input');
        input.type = 'search';
        input.id = topic.id + '-search';
        input.autocomplete = 'off';
        input.placeholder = 'Например: яма, освещение, субсидия';
        input.setAttribute('aria-controls', topic.id + '-hits');
        var box = document.createElement('div');
        box.id = topic.id + '-hits';
        box.className = 'suggest';
        box.setAttribute('aria-live', 'polite');
        wrap.appendChild(label);
        wrap.appendChild(input);
        wrap.appendChild(box);
        (category ? category.parentNode : topic.parentNode).insertAdjacentElement('beforebegin', wrap);

        var timer = 0;
        input.addEventListener('input', function () {
            clearTimeout(timer);
            timer = setTimeout(ask, 200);
        });
        // Enter in the search box picks the only topic found instead of posting the whole form.
        input.addEventListener('keydown', function (e) {
            if (e.key !== 'Enter') return;
            e.preventDefault();
            var only = box.querySelectorAll('button');
            if (only.length === 1) only[0].click();
        });
        function ask() {
            var q = input.value.trim();
            if (!q) { box.textContent = ''; return; }
            fetch(url + (url.indexOf('?') >= 0 ? '&' : '?') + 'q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
                .then(function (r) { return r.ok ? r.json() : null; })
                .then(function (hits) { if (hits && input.value.trim() === q) show(hits); })
                .catch(function () { /* the lists below still work */ });
        }
        function show(hits) {
            box.textContent = '';
            var title = document.createElement('p');
            title.className = 'suggest-title';
            title.textContent = hits.length ? 'Найденные темы:' : 'Темы не найдены: выберите категорию и тему из списков.';
            box.appendChild(title);
            if (!hits.length) return;
            var list = document.createElement('ul');
            hits.forEach(function (hit) {
                var li = document.createElement('li');
                var b = document.createElement('button');
                b.type = 'button';
                b.className = 'link';
                b.textContent = hit.name + (names[hit.categoryId] ? ' — ' + names[hit.categoryId] : '');
                b.addEventListener('click', function () { pick(hit); });
                li.appendChild(b);
                list.appendChild(li);
            });
            box.appendChild(list);
        }
        function pick(hit) {
            if (category && category.value !== hit.categoryId) {
                category.value = hit.categoryId;
                category.dispatchEvent(new Event('change', { bubbles: true }));
            }
            topic.value = hit.id;
            topic.dispatchEvent(new Event('change', { bubbles: true }));
            box.textContent = '';
            var done = document.createElement('p');
            done.setAttribute('role', 'status');
            done.textContent = 'Выбрана тема «' + hit.name + '».';
            box.appendChild(done);
            topic.focus();
        }
    });
})();
