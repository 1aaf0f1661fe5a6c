"""The labelled multilingual pages: their true fields, and the furniture around them.

Written by the newswire team for this test set (the Arabic story is the reference seed,
seeds/000_00e98ae14ee33cae.txt; the others are short news-style texts we wrote). `build.py`
lays each one out as a news page and writes `<lang>.html` and `labels.json`.
"""

from pathlib import Path

_SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_00e98ae14ee33cae.txt"


def _seed() -> dict:
    blocks = [b.strip() for b in _SEED.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    title, picture, *body, credit_line = blocks
    description, caption = picture.split("\n")
    return {
        "lang": "ar", "dir": "rtl", "layout": "aljazeera",
        "site": "الجزيرة نت", "section": "سياسة",
        "title": title, "paragraphs": body,
        "image_description": description, "image_caption": caption,
        "published": "2024-06-24T16:05:00+03:00", "modified": "2024-06-24T18:40:00+03:00",
        "author": None, "credit": credit_line.split(":", 1)[1].strip(), "credit_style": "closing",
        "credit_line": credit_line,
        "tags": ["حماس", "روسيا", "غزة"],
        "nav": ["الرئيسية", "أخبار", "سياسة", "اقتصاد", "رياضة", "تكنولوجيا"],
        "related": [
            ("روسيا تدعو إلى وقف فوري لإطلاق النار في غزة", "دعت الخارجية الروسية جميع الأطراف إلى وقف القتال فورا وفتح المعابر أمام المساعدات الإنسانية."),
            ("وفد من الفصائل الفلسطينية يصل إلى القاهرة", "يبحث الوفد مع المسؤولين المصريين مقترحات التهدئة وتبادل الأسرى خلال الأيام المقبلة."),
        ],
        "comments": [
            "نأمل أن تثمر هذه اللقاءات عن وقف الحرب في أقرب وقت ممكن، فالوضع الإنساني لا يحتمل.",
            "الدبلوماسية الروسية نشطة في المنطقة لكن النتائج على الأرض ما زالت محدودة للأسف.",
        ],
    }


ARTICLES = [
    _seed(),
    {
        "lang": "fa", "dir": "rtl", "layout": "wordpress",
        "site": "خبرگزاری نمونه", "section": "اقتصاد",
        "title": "بارش‌های پاییزی ذخایر سدهای تهران را افزایش داد",
        "paragraphs": [
            "بر اساس گزارش شرکت آب منطقه‌ای تهران، حجم آب پشت سدهای پنج‌گانه استان در هفته گذشته بیش از هشت درصد افزایش یافته است.",
            "کارشناسان این شرکت می‌گویند بارش‌های اخیر هرچند امیدوارکننده است، اما هنوز کمبود منابع آبی نسبت به میانگین بلندمدت جبران نشده و صرفه‌جویی همچنان ضروری است.",
            "مدیرعامل شرکت آب منطقه‌ای در گفت‌وگو با خبرنگاران افزود که برنامه جیره‌بندی آب در ساعات اوج مصرف فعلاً متوقف نمی‌شود و وضعیت تا پایان زمستان بررسی خواهد شد.",
            "پیش‌بینی سازمان هواشناسی نشان می‌دهد که سامانه بارشی تازه‌ای از اواخر هفته آینده وارد کشور می‌شود و استان‌های شمالی و مرکزی را تحت تأثیر قرار می‌دهد.",
        ],
        "image_description": "نمایی از دریاچه سد امیرکبیر در کرج",
        "image_caption": "دریاچه سد امیرکبیر پس از بارش‌های آبان‌ماه (عکس: آرشیو)",
        "published": "2025-11-18T09:30:00+03:30", "modified": None,
        "author": "مریم احمدی", "credit": "ایرنا", "credit_style": "closing",
        "credit_line": "منبع: ایرنا",
        "tags": ["آب", "تهران", "سد"],
        "nav": ["صفحه اصلی", "سیاسی", "اقتصادی", "اجتماعی", "ورزشی"],
        "related": [
            ("افزایش قیمت آب در تابستان آینده", "وزارت نیرو از طرح تازه‌ای برای اصلاح تعرفه‌های آب خانگی در سال آینده خبر داد."),
            ("هشدار هواشناسی برای استان‌های شمالی", "سازمان هواشناسی نسبت به احتمال وقوع سیلاب در استان‌های گیلان و مازندران هشدار داد."),
        ],
        "comments": [
            "خدا را شکر که باران آمد، ولی مردم باید همچنان در مصرف آب صرفه‌جویی کنند.",
            "هر سال همین حرف‌ها را می‌زنند ولی برای مدیریت منابع آب برنامه جدی وجود ندارد.",
        ],
    },
    {
        "lang": "he", "dir": "rtl", "layout": "react",
        "site": "חדשות לדוגמה", "section": "מדע",
        "title": "חוקרים בחיפה פיתחו סוללה שנטענת בתוך חמש דקות",
        "paragraphs": [
            "צוות חוקרים מהטכניון בחיפה הציג השבוע אב טיפוס של סוללת ליתיום שנטענת עד שמונים אחוז מקיבולתה בתוך חמש דקות בלבד.",
            "לדברי ראש הצוות, הפריצה מבוססת על ציפוי חדש של האלקטרודות המונע התחממות יתר בזמן טעינה מהירה ומאריך את חיי הסוללה.",
            "החוקרים מעריכים כי הטכנולוגיה תגיע לשוק בתוך שלוש עד חמש שנים, בתחילה ברכבים חשמליים ובהמשך גם בטלפונים ניידים.",
        ],
        "image_description": "חוקרת מחזיקה סוללה במעבדה",
        "image_caption": "אב הטיפוס של הסוללה במעבדת הטכניון (צילום: דוברות הטכניון)",
        "published": "2025-10-07T11:15:00+03:00", "modified": "2025-10-07T13:02:00+03:00",
        "author": "נועה לוי", "credit": "דוברות הטכניון", "credit_style": "jsonld",
        "tags": ["מדע", "אנרגיה", "טכניון"],
        "nav": ["ראשי", "חדשות", "כלכלה", "ספורט", "תרבות"],
        "related": [
            ("מכונית חשמלית ישראלית נחשפה בתערוכה", "החברה הציגה דגם ראשון שיימכר באירופה כבר בשנה הבאה במחיר תחרותי."),
            ("מחקר: אנרגיה סולארית תכסה חצי מהצריכה", "דוח חדש של משרד האנרגיה צופה עלייה חדה בייצור החשמל מאנרגיה מתחדשת."),
        ],
        "comments": [
            "כל שנה מבטיחים סוללה מהפכנית ובסוף שום דבר לא מגיע לחנויות, נחכה ונראה.",
            "כל הכבוד לחוקרים, מקווה שהטכנולוגיה תישאר בישראל ולא תימכר לחברה זרה.",
        ],
    },
    {
        "lang": "tr", "dir": "ltr", "layout": "og",
        "site": "Örnek Haber", "section": "Ekonomi",
        "title": "İstanbul'da yeni metro hattı yolcu taşımaya başladı",
        "paragraphs": [
            "İSTANBUL (AA) — Kentin Anadolu yakasını havalimanına bağlayan yeni metro hattı, düzenlenen törenin ardından bugün sabah saatlerinden itibaren yolcu taşımaya başladı.",
            "Yaklaşık 19 kilometre uzunluğundaki hatta 11 istasyon bulunuyor ve yolculuk süresinin bir saatten 25 dakikaya inmesi bekleniyor.",
            "Belediye yetkilileri, hattın ilk ay boyunca günde ortalama 200 bin yolcuya hizmet vermesini öngördüklerini ve sefer sıklığının yoğun saatlerde dört dakikaya düşürüleceğini açıkladı.",
        ],
        "image_description": "Yeni metro hattının istasyonunda bekleyen yolcular",
        "image_caption": "Yeni hattın Kozyatağı istasyonu açılış gününde (Fotoğraf: AA)",
        "published": "2025-09-29T08:45:00+03:00", "modified": None,
        "author": "Ahmet Yılmaz", "credit": "AA", "credit_style": "dateline",
        "tags": ["metro", "İstanbul", "ulaşım"],
        "nav": ["Anasayfa", "Gündem", "Ekonomi", "Spor", "Dünya"],
        "related": [
            ("Marmaray sefer saatlerinde değişiklik", "Hafta sonu yapılacak bakım çalışmaları nedeniyle bazı seferler iptal edilecek."),
            ("Köprü geçiş ücretlerine yeni düzenleme", "Ulaştırma Bakanlığı yeni yıl için geçiş ücretlerinin yeniden belirleneceğini duyurdu."),
        ],
        "comments": [
            "Nihayet açıldı, artık havalimanına gitmek için saatlerce trafikte beklemeyeceğiz.",
            "Bilet fiyatları biraz yüksek ama yolculuk süresi düşünülünce yine de değer bence.",
        ],
    },
    {
        "lang": "ru", "dir": "ltr", "layout": "wordpress",
        "site": "Пример Новости", "section": "Общество",
        "title": "В Новосибирске открылся крупнейший в Сибири ледовый дворец",
        "paragraphs": [
            "НОВОСИБИРСК, 14 ноября (ТАСС). В Новосибирске после трёх лет строительства открылся ледовый дворец спорта, рассчитанный на десять тысяч зрителей.",
            "По словам губернатора области, арена станет домашней для местного хоккейного клуба и примет матчи молодёжного чемпионата мира.",
            "В здании также разместились две тренировочные площадки, которые в свободное от соревнований время будут открыты для детских спортивных школ и массового катания.",
        ],
        "image_description": "Ледовый дворец спорта в Новосибирске",
        "image_caption": "Новый ледовый дворец в день открытия. Фото: пресс-служба правительства области",
        "published": "2025-11-14T15:20:00+07:00", "modified": None,
        "author": "Иван Петров", "credit": "ТАСС", "credit_style": "dateline_comma",
        "tags": ["спорт", "Новосибирск", "хоккей"],
        "nav": ["Главная", "Политика", "Экономика", "Спорт", "Культура"],
        "related": [
            ("Хоккейный клуб объявил о новом тренере", "Бывший нападающий сборной возглавит команду до конца текущего сезона."),
            ("В городе построят ещё три бассейна", "Мэрия утвердила план строительства спортивных объектов на ближайшие пять лет."),
        ],
        "comments": [
            "Отличная новость для города, наконец-то будет где проводить большие турниры.",
            "Интересно, сколько будут стоить билеты на матчи и будет ли удобная парковка.",
        ],
    },
    {
        "lang": "zh", "dir": "ltr", "layout": "react",
        "site": "示例新闻网", "section": "科技",
        "title": "深圳发布首批自动驾驶出租车商业运营牌照",
        "paragraphs": [
            "新华社深圳11月20日电 深圳市交通运输局20日向三家企业发放了首批自动驾驶出租车商业运营牌照，获批车辆可在指定区域内载客收费。",
            "根据相关规定，首批获准运营的车辆共计两百辆，运营范围覆盖南山区和前海的主要道路，运营时间为每天早上七点至晚上十点。",
            "业内人士表示，商业运营牌照的发放意味着自动驾驶技术从测试阶段迈向规模化应用，将为其他城市提供可借鉴的管理经验。",
        ],
        "image_description": "一辆自动驾驶出租车行驶在深圳街头",
        "image_caption": "自动驾驶出租车在南山区道路上行驶（资料图）",
        "published": "2025-11-20T10:00:00+08:00", "modified": None,
        "author": "王小明", "credit": "新华社", "credit_style": "source_meta",
        "tags": ["自动驾驶", "深圳", "出租车"],
        "nav": ["首页", "国内", "国际", "财经", "科技", "体育"],
        "related": [
            ("北京扩大自动驾驶测试区域", "北京市宣布将自动驾驶测试道路总里程扩展至一千公里以上。"),
            ("新能源汽车销量再创新高", "中国汽车工业协会公布的数据显示，十月新能源汽车销量同比增长三成。"),
        ],
        "comments": [
            "坐过一次，感觉比人开的还稳，就是遇到复杂路口会有点慢。",
            "希望监管能跟上，安全问题永远是第一位的。",
        ],
    },
    {
        "lang": "fr", "dir": "ltr", "layout": "og",
        "site": "Exemple Actu", "section": "Société",
        "title": "À Lyon, les vélos en libre-service battent un record de fréquentation",
        "paragraphs": [
            "Le réseau de vélos en libre-service de la métropole de Lyon a enregistré plus de deux millions de trajets en octobre, un record depuis sa création il y a près de vingt ans.",
            "Selon l'opérateur, cette hausse s'explique par l'ouverture de quarante nouvelles stations et par l'arrivée de vélos à assistance électrique, très demandés pour monter vers la Croix-Rousse et Fourvière.",
            "La métropole prévoit d'étendre le service à six communes supplémentaires l'an prochain et de doubler le nombre de vélos électriques disponibles d'ici à 2027.",
        ],
        "image_description": "Une station de vélos en libre-service place Bellecour",
        "image_caption": "Une station place Bellecour, à Lyon, le 3 novembre. (Photo d'illustration)",
        "published": "2025-11-05T07:12:00+01:00", "modified": "2025-11-05T09:30:00+01:00",
        "author": "Claire Martin", "credit": "AFP", "credit_style": "closing",
        "credit_line": "Source : AFP",
        "tags": ["Lyon", "vélo", "mobilité"],
        "nav": ["Accueil", "Politique", "Économie", "Sport", "Culture"],
        "related": [
            ("Paris : la piste cyclable de la rue de Rivoli prolongée", "Les travaux doivent s'achever au printemps et relier la Bastille à la Concorde."),
            ("Le prix des transports en commun augmente en janvier", "Le ticket à l'unité passera de deux euros à deux euros vingt dans plusieurs grandes villes."),
        ],
        "comments": [
            "Super nouvelle, mais il faudrait surtout plus de pistes cyclables sécurisées en centre-ville.",
            "Les stations sont souvent vides le matin, il faudrait mieux répartir les vélos.",
        ],
    },
    {
        "lang": "es", "dir": "ltr", "layout": "aljazeera",
        "site": "Noticias Ejemplo", "section": "Internacional",
        "title": "México inaugura el mayor parque solar de América Latina",
        "paragraphs": [
            "CIUDAD DE MÉXICO (EFE) — El Gobierno de México inauguró este martes en el estado de Sonora el mayor parque solar de América Latina, con una capacidad instalada de mil megavatios.",
            "La planta, que ocupa más de dos mil hectáreas en el desierto, abastecerá de electricidad a cerca de un millón y medio de hogares, según la Comisión Federal de Electricidad.",
            "Las autoridades afirmaron que el proyecto forma parte del plan nacional para que las energías limpias representen al menos el 35 % de la generación eléctrica antes de 2030.",
        ],
        "image_description": "Paneles solares en el desierto de Sonora",
        "image_caption": "Vista aérea del parque solar en Puerto Peñasco, Sonora. (Foto: EFE)",
        "published": "2025-08-12T18:30:00-06:00", "modified": None,
        "author": "Lucía Hernández", "credit": "EFE", "credit_style": "dateline",
        "tags": ["energía solar", "México", "Sonora"],
        "nav": ["Inicio", "Internacional", "Economía", "Deportes", "Cultura"],
        "related": [
            ("Chile amplía su red de hidrógeno verde", "El Gobierno chileno aprobó tres nuevos proyectos en la región de Magallanes."),
            ("Sube el precio de la electricidad en Europa", "La demanda de gas para el invierno presiona las tarifas en varios países."),
        ],
        "comments": [
            "Excelente noticia para el país, ojalá se construyan más proyectos como este.",
            "Falta ver cuánto bajará realmente el recibo de luz para las familias.",
        ],
    },
    {
        "lang": "en", "dir": "ltr", "layout": "wordpress",
        "site": "Example Herald", "section": "World",
        "title": "Mexico City opens first cable car line to its eastern hills",
        "paragraphs": [
            "MEXICO CITY (AP) — Mexico City opened a new cable car line on Sunday that links hillside neighborhoods in the east of the capital with the metro, cutting commutes that used to take more than an hour.",
            "The line runs for 10 kilometers with six stations and can carry about 4,000 passengers an hour in each direction, city officials said.",
            "Residents of Iztapalapa, one of the most populous boroughs, had waited years for better transport. “Now I get to work before my children wake up and come home before they sleep,” said Rosa Elena Díaz, a nurse.",
        ],
        "image_description": "Cable cars pass over houses in Iztapalapa",
        "image_caption": "Cable cars pass over houses in the Iztapalapa borough of Mexico City, Sunday. (AP Photo)",
        "published": "2025-07-13T14:05:00-06:00", "modified": "2025-07-13T16:20:00-06:00",
        "author": "Maria Verza", "credit": "AP", "credit_style": "dateline",
        "tags": ["Mexico", "transport", "cable car"],
        "nav": ["Home", "World", "Business", "Sports", "Opinion"],
        "related": [
            ("Bogotá's new metro enters final testing phase", "The first line is expected to carry passengers before the end of next year."),
            ("Why Latin American cities are turning to cable cars", "Gondolas are cheaper than subways and can climb steep hills where buses struggle."),
        ],
        "comments": [
            "I rode the Medellín cable car years ago and it changed those neighborhoods. Great to see this.",
            "Let's hope they keep up the maintenance, unlike some of the metro lines in the city.",
        ],
    },
    {
        "lang": "ur", "dir": "rtl", "layout": "og", "locale": "ur_PK",
        "site": "مثال نیوز", "section": "پاکستان",
        "title": "کراچی میں سمندری طوفان کے پیش نظر ماہی گیروں کو سمندر میں جانے سے روک دیا گیا",
        "paragraphs": [
            "کراچی (اے پی پی) — محکمہ موسمیات نے بحیرہ عرب میں بننے والے سمندری طوفان کے پیش نظر ماہی گیروں کو آئندہ تین روز تک کھلے سمندر میں جانے سے منع کر دیا ہے۔",
            "محکمے کے مطابق طوفان اس وقت کراچی سے تقریباً سات سو کلومیٹر جنوب میں موجود ہے اور اس کے شمال مغرب کی جانب بڑھنے کا امکان ہے۔",
            "صوبائی حکومت نے ساحلی علاقوں میں ہنگامی مراکز قائم کر دیے ہیں جبکہ شہریوں سے اپیل کی گئی ہے کہ وہ غیر ضروری طور پر ساحل کا رخ نہ کریں۔",
        ],
        "image_description": "کراچی کی بندرگاہ پر کھڑی ماہی گیری کی کشتیاں",
        "image_caption": "ماہی گیروں کی کشتیاں کیماڑی کے ساحل پر (فائل فوٹو)",
        "published": "2025-10-02T19:40:00+05:00", "modified": None,
        "author": "عائشہ خان", "credit": "اے پی پی", "credit_style": "dateline",
        "tags": ["کراچی", "موسم", "سمندری طوفان"],
        "nav": ["صفحہ اول", "پاکستان", "دنیا", "کھیل", "کاروبار"],
        "related": [
            ("لاہور میں اسموگ کے باعث اسکول بند", "پنجاب حکومت نے فضائی آلودگی میں اضافے کے بعد لاہور کے تمام اسکول ایک ہفتے کے لیے بند کر دیے۔"),
            ("بارشوں سے کپاس کی فصل متاثر", "سندھ کے کئی اضلاع میں غیر متوقع بارشوں سے کپاس کی تیار فصل کو نقصان پہنچا ہے۔"),
        ],
        "comments": [
            "اللہ خیر کرے، ساحلی علاقوں کے لوگوں کو بروقت محفوظ مقامات پر منتقل کیا جائے۔",
            "ہر سال یہی صورتحال ہوتی ہے، ماہی گیروں کے نقصان کا ازالہ بھی حکومت کو کرنا چاہیے۔",
        ],
    },
    {
        "lang": "ja", "dir": "ltr", "layout": "wordpress",
        "site": "サンプル新聞", "section": "社会",
        "title": "大阪で新しい路面電車の試運転始まる",
        "paragraphs": [
            "大阪市は25日、市内中心部と湾岸地区を結ぶ新しい路面電車の試運転を始めたと発表した。営業運転は来年春に始まる予定だ。",
            "新路線は全長約八キロで、十二の停留所を設ける。市によると、一日あたり約三万人の利用を見込んでいる。",
            "市の担当者は「渋滞の緩和と観光客の移動の利便性向上につなげたい」と話している。",
        ],
        "image_description": "試運転中の新型路面電車",
        "image_caption": "試運転で大阪市内を走る新型車両（大阪市提供）",
        "published": "2025-11-25T14:30:00+09:00", "modified": "2025-11-25T16:00:00+09:00",
        "author": "佐藤花子", "credit": "共同通信", "credit_style": "closing",
        "credit_line": "出典：共同通信",
        "tags": ["大阪", "交通", "路面電車"],
        "nav": ["トップ", "国内", "国際", "経済", "スポーツ"],
        "related": [
            ("京都市バス、運賃を改定へ", "京都市交通局は来年四月から市バスの運賃を引き上げる方針を明らかにした。"),
            ("関西空港の利用者数が過去最高", "訪日客の増加により、関西空港の十月の利用者数は過去最高を更新した。"),
        ],
        "comments": [
            "通勤が便利になりそうで楽しみです。早く営業運転が始まってほしい。",
            "車との事故が心配です。安全対策をしっかりしてほしいと思います。",
        ],
    },
]
