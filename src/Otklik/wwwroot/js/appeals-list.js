// The topic list offers only the topics of the chosen category (the server does the same when the page loads).
(function () {
  var category = document.getElementById('f-category');
  var topic = document.getElementById('f-topic');
  if (!category || !topic) return;
  category.addEventListener('change', function () {
    var groups = topic.querySelectorAll('optgroup[data-category]');
    for (var i = 0; i < groups.length; i++) {
      var other = category.value !== '' && groups[i].getAttribute('data-category') !== category.value;
      groups[i].disabled = other;
      groups[i].hidden = other;
    }
    var selected = topic.options[topic.selectedIndex];
    if (selected && selected.parentElement.disabled) topic.value = '';
  });
})();

// Ticking rows for a bulk action: «select all on this page» and how many are ticked. Without it each row is ticked by hand.
(function () {
  var form = document.getElementById('bulk');
  if (!form) return;
  var all = form.querySelector('[data-select-all]');
  var count = form.querySelector('[data-selected-count]');
  var boxes = form.querySelectorAll('input[name=BulkIds]');
  function update() {
    var n = 0;
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) n++;
    count.textContent = n === 0 ? '' : '(выбрано: ' + n + ')';
    all.checked = n > 0 && n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
  }
  all.hidden = false;
  all.addEventListener('change', function () {
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
    update();
  });
  for (var i = 0; i < boxes.length; i++) boxes[i].addEventListener('change', update);
  update();
})();
