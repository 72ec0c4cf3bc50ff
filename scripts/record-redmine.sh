#!/bin/bash
# Records the Redmine REST responses that the import tests replay (tests/Otklik.Tests/Exchange/Fixtures/redmine).
#
#   bash scripts/record-redmine.sh            # as root, on Debian 12: starts ../shared/peers/redmine (Redmine 5.0.4)
#   REDMINE_URL=http://127.0.0.1:3300 REDMINE_KEY=... bash scripts/record-redmine.sh   # a Redmine already running
#
# It fills the peer's seed project "appeals" (statuses Новое…Закрыто, tracker «Обращение», 20 categories, the list
# field «Канал обращения») with a small, known set of issues — staff users, assignees, notes, status changes, an
# attachment — then moves their dates back by SQL (Redmine's API cannot set created_on; an old system's issues are
# months old, and the import must keep those dates), and saves every response the importer asks for, byte for byte, as
# the file that RedmineFixtureServer serves for that path and query (the same file-name rule on both sides).
# Only on an empty project: it refuses to run twice against the same Redmine (the recorded ids would differ).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/tests/Otklik.Tests/Exchange/Fixtures/redmine"
PAGE=2   # the page size the tests import with: 7 issues make four pages
PORT="${PORT:-3300}"
if [ -z "${REDMINE_URL:-}" ]; then
  PEER="$ROOT/../shared/peers/redmine"
  [ -d "$PEER" ] || PEER=/work/shared/peers/redmine
  bash "$PEER/setup.sh" "$PORT" >/dev/null
  REDMINE_URL="http://127.0.0.1:$PORT"
  REDMINE_KEY="$(cat /var/lib/redmine/bench-api-key)"
fi
U="$REDMINE_URL"; K="$REDMINE_KEY"
api() { # METHOD PATH [JSON]
  if [ $# -ge 3 ]; then curl -sf -X "$1" -H "X-Redmine-API-Key: $K" -H 'Content-Type: application/json' --data-binary "$3" "$U$2"
  else curl -sf -X "$1" -H "X-Redmine-API-Key: $K" "$U$2"; fi
}
psql_redmine() { runuser -u postgres -- psql -q -d redmine_default -c "$1"; }

PROJECT_ID=$(api GET /projects/appeals.json | jq .project.id)
if [ "$(api GET "/issues.json?project_id=$PROJECT_ID&status_id=*&limit=1" | jq .total_count)" != 0 ]; then
  echo "project appeals already has issues: record against a fresh peer (see the peer README to empty it)" >&2; exit 1
fi
# The applicant, as a seed-001 region's Redmine keeps it: in custom fields of the tracker (the REST API cannot make
# custom fields, so Rails does, as the peer's own seed.rb does).
RB=$(mktemp /tmp/record-redmine-XXXX.rb); chmod 644 "$RB"
cat > "$RB" <<'RUBY'
t = Tracker.find_by(name: 'Обращение'); p = Project.find_by(identifier: 'appeals')
['Заявитель', 'E-mail заявителя', 'Телефон заявителя', 'Организация заявителя'].each do |n|
  cf = IssueCustomField.find_by(name: n) || IssueCustomField.create!(name: n, field_format: 'string', is_for_all: true, trackers: [t])
  p.issue_custom_fields << cf unless p.issue_custom_fields.include?(cf)
end
RUBY
(cd /usr/share/redmine && setpriv --reuid=www-data --regid=www-data --init-groups env HOME=/var/lib/redmine RAILS_ENV=production \
  REDMINE_INSTANCE=default BUNDLER_VERSION=2.3.15 bin/rails runner "$RB")
rm -f "$RB"
TRACKER=$(api GET /trackers.json | jq '.trackers[] | select(.name=="Обращение") | .id')
status() { api GET /issue_statuses.json | jq ".issue_statuses[] | select(.name==\"$1\") | .id"; }
category() { api GET "/projects/$PROJECT_ID/issue_categories.json" | jq ".issue_categories[] | select(.name==\"$1\") | .id"; }
field() { api GET /custom_fields.json | jq ".custom_fields[] | select(.name==\"$1\") | .id"; }
CF=$(field "Канал обращения"); CF_NAME=$(field "Заявитель"); CF_MAIL=$(field "E-mail заявителя"); CF_PHONE=$(field "Телефон заявителя")
CF_ORG=$(field "Организация заявителя")
ROLE=$(api GET /roles.json | jq '.roles[] | select(.name=="Developer") | .id')

user() { # login first last mail
  local id
  id=$(api GET "/users.json?name=$1" | jq '.users[0].id // empty')
  [ -n "$id" ] || id=$(api POST /users.json "{\"user\":{\"login\":\"$1\",\"firstname\":\"$2\",\"lastname\":\"$3\",\"mail\":\"$4\",\"password\":\"secret-$1-12345\"}}" | jq .user.id)
  api POST "/projects/$PROJECT_ID/memberships.json" "{\"membership\":{\"user_id\":$id,\"role_ids\":[$ROLE]}}" >/dev/null || true
  echo "$id"
}
# Two of them are staff of the test region by e-mail (TestRegion: persona@test.example); the third is nobody there.
EXEC=$(user ispolnitel Иван Исполнителев munaexecutor@test.example)
DISP=$(user dispetcher Дарья Диспетчерова munadispatcher@test.example)
CLERK=$(user stariy Семён Старожилов s.starozhilov@old-region.example)

new_issue() { # subject category channel assignee description applicant mail phone organisation
  local assignee=""; [ -n "$4" ] && assignee=",\"assigned_to_id\":$4"
  api POST /issues.json "{\"issue\":{\"project_id\":$PROJECT_ID,\"tracker_id\":$TRACKER,\"subject\":\"$1\",\"category_id\":$(category "$2"),\"description\":\"$5\",\"custom_fields\":[{\"id\":$CF,\"value\":\"$3\"},{\"id\":$CF_NAME,\"value\":\"${6:-}\"},{\"id\":$CF_MAIL,\"value\":\"${7:-}\"},{\"id\":$CF_PHONE,\"value\":\"${8:-}\"},{\"id\":$CF_ORG,\"value\":\"${9:-}\"}]$assignee}}" | jq .issue.id
}
note() { # id status note [user-login to impersonate]
  local who=(); [ -n "${4:-}" ] && who=(-H "X-Redmine-Switch-User: $4")
  curl -sf -X PUT -H "X-Redmine-API-Key: $K" "${who[@]}" -H 'Content-Type: application/json' \
    --data-binary "{\"issue\":{\"status_id\":$(status "$2"),\"notes\":\"$3\"}}" "$U/issues/$1.json"
}

I1=$(new_issue "Яма на дороге у школы №5" "Дороги" "Сайт" "" "На ул. Ленина у школы №5 глубокая яма на проезжей части уже месяц, машины объезжают по тротуару." "Петров Пётр Петрович" "petrov@example.ru" "" "")
I2=$(new_issue "Не вывозят мусор во дворе" "ЖКХ" "Телефон" "$EXEC" "Во дворе дома 12 по ул. Мира контейнеры переполнены, мусор не вывозят вторую неделю." "Сидорова Анна" "" "+7 912 000-11-22" "")
note "$I2" "В работе" "Передано в управляющую компанию, ждём график вывоза." ispolnitel
I3=$(new_issue "Нет освещения в сквере" "Благоустройство" "Электронная почта" "$EXEC" "В сквере на ул. Гагарина не горят фонари с начала осени, вечером опасно ходить." "Кузнецов Илья Олегович" "kuznetsov@example.ru" "" "")
note "$I3" "В работе" "Заявка передана подрядчику по обслуживанию сетей освещения." dispetcher
note "$I3" "Решено" "Фонари заменены 12 ноября, освещение восстановлено." ispolnitel
I4=$(new_issue "Отопление в квартире холодное" "ЖКХ" "Письмо" "$CLERK" "В квартире 8 дома 3 по ул. Строителей батареи едва тёплые, температура в комнатах 16 градусов." "Морозова Валентина Ивановна" "" "+7 912 333-44-55" "")
note "$I4" "В работе" "Запрошены данные у теплоснабжающей организации." stariy
note "$I4" "Решено" "Проведена промывка стояка, температура в норме." stariy
note "$I4" "Закрыто" "Заявитель подтвердил по телефону, обращение закрыто." dispetcher
I5=$(new_issue "Просьба установить лежачий полицейский" "Безопасность" "Личный приём" "" "Просим установить искусственную неровность у детского сада №14 на ул. Победы." "Лебедев Олег" "lebedev@example.ru" "" "ООО «Весна»")
note "$I5" "Ожидает ответа" "Направлен запрос в ГИБДД о согласовании." dispetcher
I6=$(new_issue "Вопрос о льготах многодетным" "Социальная защита" "Сайт" "$DISP" "Какие льготы по оплате ЖКУ положены многодетной семье и куда обращаться за их оформлением?")
I7=$(new_issue "Шум от стройки ночью" "Экология" "Телефон" "$EXEC" "Стройка на ул. Южной работает по ночам, шум мешает спать жильцам соседних домов." "Новикова Мария" "novikova@example.ru" "+7 912 555-66-77" "")
# a photo the applicant sent, attached to issue 7
TOKEN=$(echo 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==' | base64 -d |
  curl -sf -X POST -H "X-Redmine-API-Key: $K" -H 'Content-Type: application/octet-stream' --data-binary @- "$U/uploads.json?filename=photo.png" | jq -r .upload.token)
api PUT "/issues/$I7.json" "{\"issue\":{\"notes\":\"Фото от заявителя.\",\"uploads\":[{\"token\":\"$TOKEN\",\"filename\":\"photo.png\",\"content_type\":\"image/png\"}]}}"
note "$I7" "В работе" "Выдано предписание застройщику." ispolnitel

# An old system's issues are months old: move each issue and its journals back, keeping their order and spacing.
psql_redmine "UPDATE journals SET created_on = journals.created_on - ((400 - 40 * i.id) || ' days')::interval - interval '3 hours' * i.id + interval '5 hours' * journals.id
              FROM issues i WHERE journals.journalized_type = 'Issue' AND journals.journalized_id = i.id AND i.project_id = $PROJECT_ID;
              UPDATE attachments SET created_on = created_on - interval '300 days' WHERE container_type = 'Issue';
              UPDATE issues SET created_on = created_on - ((400 - 40 * id) || ' days')::interval - interval '3 hours' * id - interval '2 days',
                                updated_on = updated_on - ((400 - 40 * id) || ' days')::interval - interval '3 hours' * id + interval '2 days',
                                closed_on = closed_on - ((400 - 40 * id) || ' days')::interval - interval '3 hours' * id + interval '2 days'
              WHERE project_id = $PROJECT_ID;"

# Record exactly what the importer asks for (RedmineClient), under the file name RedmineFixtureServer looks up.
rm -rf "$OUT"; mkdir -p "$OUT"
save() { # path-and-query
  local name; name=$(printf '%s' "$1" | sed 's/[^A-Za-z0-9.-]/_/g')
  curl -sf -H "X-Redmine-API-Key: $K" "$U$1" -o "$OUT/$name"
  # a user's own API key (shown to the admin) is no test data
  case "$1" in /users/*) jq -c 'del(.user.api_key)' "$OUT/$name" > "$OUT/$name.tmp" && mv "$OUT/$name.tmp" "$OUT/$name";; esac
  echo "recorded $1" >&2
}
save "/projects/appeals.json?include=trackers,issue_categories"
save "/issue_statuses.json"
TOTAL=$(api GET "/issues.json?project_id=$PROJECT_ID&status_id=*&limit=1" | jq .total_count)
for ((offset = 0; offset < TOTAL; offset += PAGE)); do save "/issues.json?project_id=$PROJECT_ID&status_id=*&sort=id&offset=$offset&limit=$PAGE"; done
for id in $(api GET "/issues.json?project_id=$PROJECT_ID&status_id=*&sort=id&limit=100" | jq '.issues[].id'); do
  save "/issues/$id.json?include=journals,attachments"
done
for id in $(api GET "/issues.json?project_id=$PROJECT_ID&status_id=*&limit=100" | jq '[.issues[] | .author.id, .assigned_to.id?] | unique | .[] | select(. != null)') $EXEC $DISP $CLERK; do
  [ -f "$OUT/_users_$id.json" ] || save "/users/$id.json"
done
for path in $(api GET "/attachments/$(api GET "/issues/$I7.json?include=attachments" | jq '.issue.attachments[0].id').json" | jq -r .attachment.content_url | sed -E 's#^https?://[^/]+##'); do
  save "$path"
done
echo "REDMINE=$(dpkg-query -W -f='${Version}' redmine 2>/dev/null || echo unknown) (Debian 12 package, ../shared/peers/redmine)" > "$OUT/RECORDED"
date -u +"RECORDED_AT=%Y-%m-%dT%H:%M:%SZ" >> "$OUT/RECORDED"
echo "project=$PROJECT_ID issues=$TOTAL -> $OUT" >&2
