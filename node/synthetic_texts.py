"""Text material for synthetic reports: recurring skav scenarios seen by Swedish förbund.

Each `Scenario` is one real kind of skav with its usual classification (problemtyp, nivå,
målgrupp), the actors where it arises, the organisations that tend to report it, and several
phrasings of the description, the consequences and the reporter's suggestion. The phrasings of
one scenario share their key words, so that a later pattern analysis can find the groups, while
the generator combines them so that no two reports read the same.

Free text here must never contain personnummer, phone numbers, e-mail addresses or real
people's names: the node's form would refuse such text, and so do the tests.
Placeholders: ``{person}``, ``{veckor}``, ``{manader}``; the generator capitalises sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PERSONS = (
    "en kvinna i 40-årsåldern",
    "en man i 50-årsåldern",
    "en ung man",
    "en ung kvinna",
    "en person i 35-årsåldern",
    "en av våra deltagare",
)


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    problemtyp: str
    niva: str
    malgrupp: tuple[str, ...]
    aktorer: tuple[str, ...]
    """Core actors: the first is always named, the others usually."""
    organisationer: tuple[tuple[str, float], ...]
    """Reporter organisations with relative weights."""
    intro: tuple[str, ...]
    details: tuple[str, ...]
    consequences: tuple[str, ...]
    suggestions: tuple[str, ...]
    feedback: tuple[str, ...]
    extra_aktorer: tuple[str, ...] = ()
    alt_problemtyp: str | None = None
    alt_niva: str | None = None
    weight: float = 1.0
    trend: float = 1.0
    """Yearly growth factor of this scenario's share (digital problems grow)."""
    since: int = 0
    """First year the scenario can occur (e.g. when a programme started)."""
    persons: tuple[str, ...] = DEFAULT_PERSONS


CLOSINGS = (
    "Jag har sett liknande situationer i flera ärenden.",
    "Det här är inte första gången det händer.",
    "Vi har försökt lösa det på handläggarnivå utan att lyckas.",
    "Ärendet är fortfarande inte löst.",
    "Kollegor beskriver samma problem.",
)

PART_DEFINITE = {
    "AF": "Arbetsförmedlingen",
    "FK": "Försäkringskassan",
    "K-SOC": "socialtjänsten",
    "K-AME": "arbetsmarknadsenheten",
    "K-ANN": "kommunen",
    "R-VC": "vårdcentralen",
    "R-PSY": "psykiatrin",
    "R-HAB": "habiliteringen",
    "R-ANN": "regionen",
    "SF": "insatsens huvudman",
    "MYN": "berörd myndighet",
    "UPH": "leverantören",
    "ANN": "berörd part",
}

ROLES = {
    "AF": ("arbetsförmedlare", "specialistarbetsförmedlare", "arbetsterapeut", "psykolog"),
    "FK": ("handläggare", "försäkringsutredare", "samordnare"),
    "K-SOC": ("socialsekreterare", "handläggare ekonomiskt bistånd", "enhetschef"),
    "K-AME": ("arbetsmarknadskonsulent", "jobbcoach", "studie- och yrkesvägledare"),
    "K-ANN": ("biståndshandläggare", "LSS-handläggare", "boendestödjare"),
    "R-VC": ("rehabkoordinator", "kurator", "distriktsläkare", "sjuksköterska"),
    "R-PSY": ("kurator", "psykolog", "sjuksköterska", "arbetsterapeut"),
    "R-HAB": ("arbetsterapeut", "kurator", "psykolog"),
    "R-ANN": ("rehabkoordinator", "socionom"),
    "SF": ("coach i samordnad insats", "processledare", "arbetsspecialist"),
    "MYN": ("handläggare", "servicehandläggare"),
    "UPH": ("handledare", "coach"),
    "PO": ("personligt ombud",),
    "ANN": ("handledare", "volontärsamordnare"),
}

RAISED_ELSEWHERE = (
    ("nej", 0.45),
    ("ja, med närmaste chef", 0.30),
    ("ja, med berörd part", 0.12),
    ("ja, i samverkansgrupp", 0.08),
    ("vet inte", 0.05),
)

FIRST_NAMES = ("Anna", "Karin", "Maria", "Sara", "Elin", "Leila", "Erik", "Johan", "Mikael", "Ali")
SURNAMES = ("Exempelsson", "Provström", "Demoberg", "Testlund", "Fiktivsson", "Påhittadsdotter")

MOTTAGEN = ("Anmälan mottagen via webbformuläret.", "Anmälan mottagen per e-post och registrerad.")
KONTAKT_ANMALARE = (
    "Kontakt med anmälaren för att komplettera beskrivningen.",
    "Samtal med anmälaren om vad som hänt och vad som redan prövats.",
    "Anmälaren kontaktad; beskrivningen bekräftad och kompletterad.",
)
KONTAKT_PART = (
    "Kontakt tagen med {part} för att utreda ärendet.",
    "Frågan skickad till {part} med begäran om svar.",
)
SVAR = (
    "{Part} bekräftar att problemet är känt och hänvisar till gällande regelverk.",
    "{Part} har sett över rutinen och återkommer efter en intern genomgång.",
    "{Part} menar att det rör ett enskilt fall men tar med frågan till sin ledning.",
    "{Part} har svarat skriftligt och beskriver vilka förändringar som är på gång.",
    "{Part} ser samma mönster och vill delta i ett gemensamt möte om frågan.",
)
ATGARD = {
    "T01": "Berörd chef hos {part} har informerats om anmälan.",
    "T02": "Högre ledning hos {part} har informerats.",
    "T03": "Frågan har lämnats till politiken och förvaltningen.",
    "T04": "Kompetensutveckling för berörda handläggare planeras.",
    "T05": "En ny eller ändrad rutin har tagits fram tillsammans med {part}.",
    "T06": "Ärendet har tagits upp i beredningsgruppen.",
    "T07": "Ärendet har tagits upp i styrelsen.",
    "T08": "Frågan har lyfts regionalt eller nationellt.",
    "T09": "Frågan har tagits upp i ett samverkansforum.",
    "T10": "Ingen åtgärd bedömdes nödvändig utöver återkoppling.",
}
FORUM_LABEL = {
    "beredningsgrupp": "beredningsgruppen",
    "operativ_chefsgrupp": "operativa chefsgruppen",
    "styrelse": "styrelsen",
    "regional": "det regionala nätverket för samordningsförbund",
    "nationell": "Nationella nätverket för samordningsförbund",
}
LYFT = "Lyft till {forum} inför mötet den {datum}."
ATERKOPPLING = (
    "Återkoppling lämnad till anmälaren.",
    "Återkoppling lämnad; anmälaren kan läsa den med sin kvittokod.",
)
AVSLUTAD = ("Ärendet avslutat.", "Ärendet avslutat; mönstret följs i årsrapporten.")
FEEDBACK_OPENINGS = ("Tack för din anmälan.", "Tack för att du uppmärksammade oss på det här.")
FEEDBACK_FORUM = "Ärendet togs upp i {forum} den {datum}."
FEEDBACK_CLOSINGS = (
    "Anmälan ingår i förbundets årsrapport till styrelsen.",
    "Hör gärna av dig igen om samma sak händer på nytt.",
    "",
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        id="ae-upphor-30",
        title="Aktivitetsersättningen upphör vid 30",
        problemtyp="P06",
        niva="N5",
        alt_niva="N4",
        malgrupp=("M01", "M03"),
        aktorer=("FK", "AF"),
        extra_aktorer=("K-SOC", "R-PSY"),
        organisationer=(("FK", 2), ("AF", 2), ("K-SOC", 2), ("PO", 2), ("SF", 1)),
        weight=1.2,
        persons=("en man som fyller 30 i år", "en kvinna i 29-årsåldern", "en ung vuxen"),
        intro=(
            "Vi har en deltagare, {person}, vars aktivitetsersättning upphör när hen fyller 30 år.",
            "Aktivitetsersättningen för {person} upphör vid 30 och ingen har planerat vad som händer sedan.",
            "Ännu en ung vuxen har fått besked om att aktivitetsersättningen upphör vid 30 års ålder utan att någon övergång är ordnad.",
            "När aktivitetsersättningen upphörde vid 30 föll {person} mellan Försäkringskassan och Arbetsförmedlingen.",
        ),
        details=(
            "Försäkringskassan bedömer att sjukersättning inte kan beviljas eftersom arbetsförmågan inte anses varaktigt nedsatt.",
            "Arbetsförmedlingen menar att personen inte står till arbetsmarknadens förfogande och kan inte erbjuda några insatser.",
            "Ingen av myndigheterna tar ansvar för övergången när aktivitetsersättningen tar slut.",
            "Personen hänvisas i stället till ekonomiskt bistånd, trots flera år med aktivitetsersättning.",
            "Det fanns ingen överlämning mellan Försäkringskassan och Arbetsförmedlingen inför att aktivitetsersättningen upphörde.",
            "Beslutet om att aktivitetsersättningen upphör kom bara några veckor före 30-årsdagen.",
        ),
        consequences=(
            "Personen står utan inkomst när aktivitetsersättningen upphör och blir beroende av ekonomiskt bistånd, vilket skapar stor oro.",
            "Hen faller mellan stolarna vid 30: för sjuk för Arbetsförmedlingen men inte sjuk nog för sjukersättning.",
            "Flera års rehabilitering med aktivitetsersättning riskerar att gå förlorad när ingen insats tar vid.",
        ),
        suggestions=(
            "Försäkringskassan och Arbetsförmedlingen borde planera gemensamt minst ett år innan aktivitetsersättningen upphör vid 30.",
            "Inför en obligatorisk överlämning när aktivitetsersättningen upphör, så att ingen står utan ersättning eller insats.",
            "Lyft regelverket för aktivitetsersättning vid 30 års ålder nationellt; åldersgränsen skapar ett glapp mellan myndigheterna.",
        ),
        feedback=(
            "Övergången när aktivitetsersättningen upphör vid 30 är ett återkommande mönster som vi ser i flera anmälningar.",
            "Försäkringskassan och Arbetsförmedlingen har fått ta del av ärendet om aktivitetsersättning som upphör vid 30 och ser över hur överlämningen kan planeras tidigare.",
        ),
    ),
    Scenario(
        id="lakarintyg-godtas-inte",
        title="Läkarintyg som Försäkringskassan inte godtar",
        problemtyp="P04",
        alt_problemtyp="P02",
        niva="N4",
        malgrupp=("M06", "M03"),
        aktorer=("FK", "R-VC"),
        extra_aktorer=("R-PSY",),
        organisationer=(("R-VC", 3), ("R-PSY", 2), ("PO", 2), ("K-SOC", 1), ("FK", 1)),
        weight=1.2,
        intro=(
            "Försäkringskassan godtar inte läkarintyget för {person} trots att läkaren har kompletterat det två gånger.",
            "Läkarintyget underkändes av Försäkringskassan eftersom aktivitetsbegränsningen inte ansågs tillräckligt beskriven.",
            "Vi ser återigen att Försäkringskassan begär komplettering av läkarintyg som vården menar redan är fullständiga.",
            "En patient fick avslag på sjukpenning eftersom läkarintyget inte räckte som medicinskt underlag enligt Försäkringskassan.",
        ),
        details=(
            "Vårdcentralen har inte tid att skriva fler kompletteringar och läkaren upplever att kraven på det medicinska underlaget är otydliga.",
            "Försäkringskassans försäkringsmedicinska rådgivare gör en annan bedömning än den behandlande läkaren.",
            "Det tar flera veckor att få en ny läkartid för att komplettera intyget.",
            "Läkaren vet inte vad som saknas i intyget eftersom Försäkringskassan bara beskriver bristerna i allmänna ordalag.",
            "Under tiden som kompletteringen av läkarintyget pågår har personen ingen ersättning.",
        ),
        consequences=(
            "Personen står utan sjukpenning i flera veckor i väntan på ett nytt läkarintyg.",
            "Läkare och rehabkoordinator lägger mycket tid på intyg och kompletteringar i stället för på vård.",
            "Förtroendet för både vården och Försäkringskassan minskar när läkarintyget underkänns igen.",
        ),
        suggestions=(
            "Försäkringskassan och regionen borde ta fram en gemensam vägledning om vad ett läkarintyg behöver innehålla.",
            "Inför en direkt kontaktväg mellan Försäkringskassans handläggare och den intygsskrivande läkaren innan intyget underkänns.",
            "Ordna ett gemensamt utbildningstillfälle för läkare och Försäkringskassan om medicinska underlag och läkarintyg.",
        ),
        feedback=(
            "Frågan om läkarintyg som inte godtas har tagits upp med Försäkringskassan och regionens försäkringsmedicinska samordnare.",
            "Ett gemensamt utbildningstillfälle om läkarintyg och medicinska underlag planeras för vården och Försäkringskassan.",
        ),
    ),
    Scenario(
        id="bankid-saknas",
        title="E-tjänst kräver BankID som personen saknar",
        problemtyp="P03",
        niva="N4",
        malgrupp=("M04", "M03", "M99"),
        aktorer=("FK", "AF"),
        extra_aktorer=("MYN", "K-SOC"),
        organisationer=(("K-SOC", 3), ("PO", 3), ("SF", 2), ("K-AME", 2)),
        weight=0.9,
        trend=1.2,
        intro=(
            "En deltagare saknar BankID och kan därför inte logga in i Försäkringskassans e-tjänst.",
            "Allt fler ärenden kräver BankID eller annan e-legitimation, men {person} som vi stödjer saknar e-legitimation.",
            "Arbetsförmedlingen hänvisar till Mina sidor som kräver e-legitimation, och {person} har ingen möjlighet att skaffa BankID.",
            "Personen kan inte skaffa BankID eftersom banken kräver ett giltigt id-kort, och det tar lång tid att få ett.",
        ),
        details=(
            "Det finns ingen fungerande väg att ansöka på papper eller få hjälp på plats utan e-legitimation.",
            "Banken vill inte utfärda BankID eftersom personen saknar godkänd id-handling.",
            "Handläggaren säger att ansökan måste göras digitalt i e-tjänsten med BankID.",
            "Vi har försökt med fullmakt men e-tjänsten tillåter inte ombud i just det här ärendet.",
            "Personen har också svårt att förstå e-tjänstens språk och upplägg.",
        ),
        consequences=(
            "Ansökan blir inte gjord i tid eftersom BankID saknas, och personen förlorar ersättning.",
            "Kommunens personal sitter med och gör ärenden i e-tjänsten åt personen, vilket inte är vårt uppdrag.",
            "Utan e-legitimation blir personen helt beroende av andra för kontakt med myndigheterna.",
        ),
        suggestions=(
            "Det behöver finnas ett alternativ till BankID för den som saknar e-legitimation, till exempel blankett eller personligt besök.",
            "Myndigheterna borde verka för en statlig e-legitimation som går att få även utan bankkonto.",
            "Ge ombud och personliga ombud möjlighet att agera i e-tjänsten med fullmakt när BankID saknas.",
        ),
        feedback=(
            "Frågan om e-legitimation och BankID har lyfts nationellt till berörda myndigheter.",
            "Försäkringskassan har informerat om att blanketter kan beställas per post för den som saknar e-legitimation, och informationen sprids nu till alla parter.",
        ),
    ),
    Scenario(
        id="rusta-matcha-npf",
        title="Rusta och matcha-leverantör saknar anpassning för NPF",
        problemtyp="P09",
        niva="N4",
        malgrupp=("M02",),
        aktorer=("UPH", "AF"),
        organisationer=(("AF", 2), ("R-HAB", 2), ("SF", 2), ("PO", 1), ("K-AME", 2)),
        weight=0.9,
        trend=1.15,
        since=2019,
        intro=(
            "Leverantören av Rusta och matcha saknar anpassning för deltagare med NPF.",
            "Vår deltagare med neuropsykiatrisk funktionsnedsättning har anvisats till Rusta och matcha, men leverantören klarar inte att anpassa insatsen.",
            "Rusta och matcha-leverantören kräver heltidsnärvaro i grupp, vilket inte fungerar för personer med NPF.",
            "Vi ser att upphandlade leverantörer inom Rusta och matcha saknar kunskap om neuropsykiatriska funktionsnedsättningar.",
        ),
        details=(
            "Leverantören har stora grupper, många byten av coacher och få möjligheter till individuell anpassning.",
            "Deltagaren avbröt Rusta och matcha efter några veckor och riskerar nu att skrivas ut från Arbetsförmedlingen.",
            "När vi kontaktade leverantören hänvisade de till sitt avtal med Arbetsförmedlingen.",
            "Arbetsförmedlingen har inga egna insatser kvar lokalt som passar personer med NPF.",
            "Tidigare kunde specialistarbetsförmedlare anpassa stödet, men nu hänvisas allt till leverantörerna.",
        ),
        consequences=(
            "Deltagaren med NPF upplever ett nytt misslyckande och drar sig undan.",
            "Personer med NPF blir utan stöd mot arbete och hamnar i kommunens verksamheter i stället.",
            "Leverantören får betalt men Rusta och matcha leder inte närmare arbete för deltagare med NPF.",
        ),
        suggestions=(
            "Arbetsförmedlingen borde ställa krav på NPF-kompetens och individuell anpassning när Rusta och matcha upphandlas.",
            "Låt deltagare med NPF få en alternativ insats när leverantören inte kan anpassa.",
            "Samordningsförbundet kan erbjuda leverantörerna av Rusta och matcha utbildning om NPF och anpassningar.",
        ),
        feedback=(
            "Arbetsförmedlingen har fått ta del av anmälningarna om Rusta och matcha och NPF och följer upp leverantörernas anpassningar.",
            "Förbundet har bjudit in leverantörerna av Rusta och matcha till en utbildning om neuropsykiatriska funktionsnedsättningar.",
        ),
    ),
    Scenario(
        id="bistand-sjukskriven",
        title="Ekonomiskt bistånd kräver arbetssökande medan vården sjukskriver",
        problemtyp="P07",
        niva="N2",
        alt_niva="N5",
        malgrupp=("M06", "M03"),
        aktorer=("K-SOC", "R-VC"),
        extra_aktorer=("AF", "R-PSY"),
        organisationer=(("K-SOC", 3), ("R-VC", 2), ("PO", 2), ("R-PSY", 1)),
        weight=1.1,
        intro=(
            "Ekonomiskt bistånd kräver att personen står till arbetsmarknadens förfogande, men vården har sjukskrivit hen på heltid.",
            "Socialtjänsten kräver inskrivning på Arbetsförmedlingen för att bevilja ekonomiskt bistånd, samtidigt som läkaren har sjukskrivit personen.",
            "Vi har ännu ett moment 22 mellan ekonomiskt bistånd och sjukskrivning.",
            "Socialtjänsten ställer krav på att {person} ska söka arbete för att få försörjningsstöd, trots sjukskrivning från vårdcentralen.",
        ),
        details=(
            "Personen har ingen sjukpenninggrundande inkomst och får därför ingen sjukpenning.",
            "Socialtjänsten godtar inte sjukskrivningen som skäl att slippa stå till arbetsmarknadens förfogande.",
            "Läkaren skriver intyg för ekonomiskt bistånd, men blanketten ser olika ut i olika kommuner.",
            "Arbetsförmedlingen kan inte skriva in personen så länge hen är sjukskriven på heltid.",
            "Personen uppfyller inte kraven för ekonomiskt bistånd hos socialtjänsten och inte heller vårdens krav på vila.",
        ),
        consequences=(
            "Personen riskerar avslag på ekonomiskt bistånd och står utan pengar till hyra och mat.",
            "Rehabiliteringen stannar upp när sjukskrivningen och kraven för ekonomiskt bistånd motverkar varandra.",
            "Personen känner sig misstrodd av både vården och socialtjänsten.",
        ),
        suggestions=(
            "Socialtjänsten och regionen bör ta fram en gemensam rutin för sjukskrivning vid ekonomiskt bistånd.",
            "Kommunen borde godta vårdens sjukskrivning som skäl att inte stå till arbetsmarknadens förfogande under en tid.",
            "Inför trepartssamtal mellan socialtjänst, vårdcentral och personen innan krav ställs för ekonomiskt bistånd.",
        ),
        feedback=(
            "Socialtjänsten och vårdcentralerna har tagit fram ett förslag till gemensam rutin om sjukskrivning vid ekonomiskt bistånd.",
            "Kravet att stå till arbetsmarknadens förfogande vid sjukskrivning har diskuterats med socialtjänstens ledning.",
        ),
    ),
    Scenario(
        id="npf-utredning-vantetid",
        title="Lång väntetid till neuropsykiatrisk utredning",
        problemtyp="P02",
        niva="N3",
        malgrupp=("M02", "M01"),
        aktorer=("R-PSY",),
        extra_aktorer=("R-ANN", "R-VC"),
        organisationer=(("AF", 2), ("K-SOC", 2), ("SF", 2), ("K-AME", 2), ("FK", 1), ("PO", 1)),
        weight=1.0,
        trend=1.08,
        intro=(
            "Väntetiden till neuropsykiatrisk utredning inom vuxenpsykiatrin är nu över ett år.",
            "Vi har en deltagare som har väntat {manader} månader på en NPF-utredning och fortfarande inte fått någon tid.",
            "Den neuropsykiatriska utredningen dröjer så länge att andra insatser inte kan planeras.",
            "Psykiatrin har avvisat remissen om neuropsykiatrisk utredning för {person} med hänvisning till att måendet först måste stabiliseras.",
        ),
        details=(
            "Arbetsförmedlingen väntar på NPF-utredningen för att kunna erbjuda rätt stöd.",
            "Försäkringskassan behöver utredningen som underlag för att bedöma arbetsförmågan.",
            "Remissen till utredning har skickats tillbaka till vårdcentralen två gånger.",
            "Privata utredare finns, men regionen betalar inte för utredningen i det här fallet.",
            "Personen har fått höra att kön till neuropsykiatrisk utredning är {veckor} veckor eller mer.",
        ),
        consequences=(
            "Personen står still i väntan på utredning och motivationen sjunker.",
            "Insatser mot arbete pausas eftersom ingen vet vilka anpassningar som behövs innan NPF-utredningen är klar.",
            "Väntetiden till utredning gör att personen blir kvar i ekonomiskt bistånd längre än nödvändigt.",
        ),
        suggestions=(
            "Regionen behöver korta väntetiderna till neuropsykiatrisk utredning, till exempel genom att köpa utredningar.",
            "Tillåt att insatser mot arbete påbörjas med anpassningar innan NPF-utredningen är klar.",
            "Gör en gemensam prioritering mellan region, kommun och Arbetsförmedlingen för unga vuxna som väntar på utredning.",
        ),
        feedback=(
            "Regionen har informerats om väntetiderna till neuropsykiatrisk utredning och svarar att en handlingsplan för utredningsköerna tas fram.",
            "Frågan om väntetid till NPF-utredning har lyfts regionalt och följs i förbundets årsrapport.",
        ),
    ),
    Scenario(
        id="ingen-ansvar-efter-insats",
        title="Ingen tar ansvar efter avslutad insats",
        problemtyp="P08",
        niva="N2",
        malgrupp=("M03", "M01"),
        aktorer=("SF", "K-AME"),
        extra_aktorer=("AF", "K-SOC"),
        organisationer=(("SF", 4), ("K-AME", 2), ("UPH", 1), ("AF", 1)),
        weight=1.0,
        intro=(
            "När vår insats avslutades fanns ingen som tog över ansvaret för deltagaren.",
            "Insatsen i samordningsförbundets regi tog slut och ingen part tog emot överlämningen.",
            "Efter avslutad insats står {person} utan kontaktperson hos någon av parterna.",
            "Ingen tar ansvar för vad som händer efter att insatsen har avslutats.",
        ),
        details=(
            "Deltagaren var nära arbete men behövde fortsatt stöd efter insatsen, och arbetsmarknadsenheten hade ingen plats.",
            "Arbetsförmedlingen hänvisade till kommunen och kommunen hänvisade tillbaka till Arbetsförmedlingen.",
            "Överlämningen var planerad men den mottagande handläggaren hade slutat och ingen ersättare var utsedd.",
            "Insatsen har en maxtid och förlängning var inte möjlig.",
            "Det finns ingen gemensam rutin för vem som ansvarar efter avslutad insats.",
        ),
        consequences=(
            "Det som byggts upp under insatsen riskerar att gå förlorat.",
            "Deltagaren tappar kontakten med alla parter efter insatsen och återkommer senare med större behov.",
            "Det blir dyrare för samhället när ingen tar ansvar efter avslutad insats.",
        ),
        suggestions=(
            "Inför en obligatorisk överlämning med utsedd mottagare innan en insats avslutas.",
            "Parterna bör komma överens om ett gemensamt ansvar för deltagare efter avslutad insats.",
            "Låt insatsen pågå tills mottagaren är på plats, i stället för en fast maxtid.",
        ),
        feedback=(
            "Beredningsgruppen har gett i uppdrag att ta fram en gemensam rutin för överlämning efter avslutad insats.",
            "Frågan om ansvar efter avslutad insats har tagits upp med parternas chefer.",
        ),
    ),
    Scenario(
        id="servicecenter-fk",
        title="Statens servicecenter kan inte hjälpa med Försäkringskassans ärenden",
        problemtyp="P10",
        niva="N4",
        malgrupp=("M04", "M99"),
        aktorer=("MYN", "FK"),
        extra_aktorer=("K-SOC",),
        organisationer=(("K-SOC", 3), ("PO", 2), ("K-ANN", 2), ("SF", 1)),
        weight=0.8,
        trend=1.1,
        since=2019,
        intro=(
            "Statens servicecenter kan inte hjälpa till med frågor om pågående ärenden hos Försäkringskassan.",
            "{person} gick till servicekontoret för att få hjälp med sitt ärende hos Försäkringskassan men blev hänvisad till telefon.",
            "Servicekontoret hänvisar till Försäkringskassans kundtjänst, och kundtjänsten hänvisar tillbaka till servicekontoret.",
            "Efter att Försäkringskassans lokalkontor stängde finns bara Statens servicecenter kvar, och där kan de inte svara på frågor om ärendet.",
        ),
        details=(
            "Personalen på servicekontoret har inte behörighet att se ärendet hos Försäkringskassan.",
            "Telefonköerna till Försäkringskassan är långa och personen har svårt att förklara sitt ärende på telefon.",
            "Närmaste servicekontor ligger långt bort och kräver bokad tid.",
            "Personen behövde tolk, men det gick inte att ordna på servicekontoret.",
        ),
        consequences=(
            "Personen vet inte vad som händer i sitt ärende och missar att skicka in kompletteringar i tid.",
            "Kommunens personal får i stället hjälpa till med Försäkringskassans ärenden.",
            "Kontaktvägarna mellan servicekontoret och Försäkringskassan blir så krångliga att personen ger upp.",
        ),
        suggestions=(
            "Statens servicecenter borde kunna boka ett videomöte med en handläggare på Försäkringskassan direkt från servicekontoret.",
            "Försäkringskassan bör ha en direkt kontaktväg för kommunens handläggare och personliga ombud.",
            "Informationen om vad servicekontoret kan och inte kan hjälpa till med behöver bli tydligare.",
        ),
        feedback=(
            "Statens servicecenter och Försäkringskassan har fått ta del av anmälningarna och ser över hur kontaktvägarna kan förbättras.",
            "Frågan om servicekontorens uppdrag har lyfts nationellt, eftersom den rör flera förbund.",
        ),
    ),
    Scenario(
        id="af-aktivitetsrapport",
        title="Automatisk avaktualisering efter missad aktivitetsrapport",
        problemtyp="P03",
        niva="N4",
        malgrupp=("M02", "M03", "M05"),
        aktorer=("AF",),
        extra_aktorer=("K-SOC", "K-AME"),
        organisationer=(("K-SOC", 3), ("K-AME", 2), ("PO", 2), ("SF", 1)),
        weight=0.7,
        trend=1.25,
        intro=(
            "Personen skrevs automatiskt ut från Arbetsförmedlingen efter att aktivitetsrapporten inte lämnats i tid.",
            "Arbetsförmedlingens automatiserade beslut om avaktualisering kom utan att någon handläggare hade haft kontakt med personen.",
            "Aktivitetsrapporten i Arbetsförmedlingens digitala system fungerar inte för personer med kognitiva svårigheter.",
            "Vi har återigen en deltagare som avaktualiserats automatiskt på grund av en missad aktivitetsrapport.",
        ),
        details=(
            "Personen förstod inte att aktivitetsrapporten skulle lämnas varje månad.",
            "Beslutet om avaktualisering fattades automatiskt och det fanns ingen handläggare att prata med.",
            "Det går inte att lämna aktivitetsrapporten utan e-legitimation.",
            "När personen avaktualiserades drogs också rätten till insatser och aktivitetsstöd in.",
            "Socialtjänsten kräver inskrivning på Arbetsförmedlingen, så avaktualiseringen får följder även för det ekonomiska biståndet.",
        ),
        consequences=(
            "Personen förlorar aktivitetsstöd och insatser, och får börja om med en ny inskrivning.",
            "Ekonomiskt bistånd stoppas tillfälligt eftersom personen inte längre är inskriven efter avaktualiseringen.",
            "Förtroendet för Arbetsförmedlingen minskar när ett automatiserat beslut fattas utan förklaring.",
        ),
        suggestions=(
            "Inför en manuell kontroll innan automatiserade beslut om avaktualisering verkställs för personer med kända funktionsnedsättningar.",
            "Gör det möjligt att lämna aktivitetsrapporten på annat sätt än digitalt.",
            "Skicka en påminnelse till kontaktperson eller ombud innan aktivitetsrapporten missas.",
        ),
        feedback=(
            "Arbetsförmedlingen har svarat att automatiserade beslut om avaktualisering ses över nationellt och att anmälningarna tas med i det arbetet.",
            "Arbetsförmedlingen lokalt har lovat att informera om hur aktivitetsrapporten kan lämnas med stöd.",
        ),
    ),
    Scenario(
        id="sgi-avaktualisering",
        title="SGI går förlorad vid utskrivning från Arbetsförmedlingen",
        problemtyp="P07",
        niva="N5",
        malgrupp=("M06",),
        aktorer=("FK", "AF"),
        organisationer=(("FK", 2), ("R-VC", 2), ("PO", 2), ("AF", 1), ("K-SOC", 1)),
        weight=0.6,
        intro=(
            "Personen förlorade sin sjukpenninggrundande inkomst, SGI, när hen skrevs ut från Arbetsförmedlingen under sjukskrivningen.",
            "Regelverket kring SGI-skydd och inskrivning på Arbetsförmedlingen motverkar varandra.",
            "Ingen informerade {person} om att SGI:n skulle gå förlorad utan inskrivning på Arbetsförmedlingen.",
        ),
        details=(
            "Arbetsförmedlingen avslutade inskrivningen eftersom personen var sjukskriven på heltid.",
            "Försäkringskassan sänkte sjukpenningen till garantinivå när SGI:n inte längre var skyddad.",
            "Varken handläggaren på Försäkringskassan eller på Arbetsförmedlingen kände till konsekvensen för SGI:n.",
            "Man måste anmäla sig som arbetssökande samma dag som anställningen upphör för att behålla sin SGI.",
        ),
        consequences=(
            "Personen får en mycket lägre sjukpenning under resten av sjukskrivningen när SGI:n är förlorad.",
            "Ekonomin försämras kraftigt och personen behöver söka ekonomiskt bistånd som komplement.",
            "Förtroendet för myndigheterna skadas när en formalitet kring SGI får så stora följder.",
        ),
        suggestions=(
            "Försäkringskassan och Arbetsförmedlingen borde informera gemensamt om SGI-skyddet vid sjukskrivning.",
            "Regelverket för SGI bör ändras så att inskrivningen på Arbetsförmedlingen inte avgör ersättningen under sjukskrivning.",
            "Inför en kontroll av SGI-skyddet innan Arbetsförmedlingen avslutar en inskrivning.",
        ),
        feedback=(
            "Frågan om SGI och inskrivning på Arbetsförmedlingen gäller lagstiftningen och har lyfts till nationell nivå.",
            "Parterna har tagit fram gemensam information om SGI-skydd som sprids till handläggarna.",
        ),
    ),
    Scenario(
        id="avstamningsmote",
        title="Avstämningsmöte kommer inte till stånd",
        problemtyp="P01",
        niva="N2",
        malgrupp=("M06",),
        aktorer=("FK", "R-VC"),
        extra_aktorer=("ANN",),
        organisationer=(("R-VC", 3), ("FK", 2), ("R-ANN", 1)),
        weight=0.8,
        trend=0.95,
        intro=(
            "Det är svårt att få till ett avstämningsmöte mellan Försäkringskassan, vården och arbetsgivaren.",
            "Rehabkoordinatorn har försökt boka ett avstämningsmöte i {veckor} veckor utan att Försäkringskassan återkommer.",
            "Samordningen kring sjukskrivningen fungerar inte; ingen kallar till avstämningsmöte.",
        ),
        details=(
            "Handläggaren på Försäkringskassan har bytts ut två gånger under sjukskrivningen.",
            "Arbetsgivaren vet inte vilka anpassningar som är aktuella inför återgången i arbete.",
            "Vården och Försäkringskassan har olika bilder av vad som ska hända i rehabiliteringen.",
            "Läkaren kan inte delta i avstämningsmötet på de tider som Försäkringskassan föreslår.",
        ),
        consequences=(
            "Sjukskrivningen blir längre än nödvändigt eftersom ingen plan för återgång i arbete görs.",
            "Personen får motstridiga besked från vården och Försäkringskassan.",
            "Chansen till arbetsåtergång minskar för varje månad utan avstämningsmöte.",
        ),
        suggestions=(
            "Försäkringskassan och vården bör komma överens om fasta tider för avstämningsmöten.",
            "Rehabkoordinatorn borde få en direkt kontaktväg till Försäkringskassans handläggare.",
            "Gör digitala avstämningsmöten till standard så att läkare och arbetsgivare kan delta.",
        ),
        feedback=(
            "Regionen och Försäkringskassan har kommit överens om en ny rutin för att boka avstämningsmöten.",
            "Frågan om avstämningsmöten har tagits upp i den lokala samverkansgruppen mellan vården och Försäkringskassan.",
        ),
    ),
    Scenario(
        id="samsjuklighet",
        title="Samsjuklighet: psykiatri och beroendevård hänvisar till varandra",
        problemtyp="P08",
        alt_problemtyp="P07",
        niva="N3",
        malgrupp=("M05", "M03"),
        aktorer=("R-PSY", "K-SOC"),
        extra_aktorer=("R-ANN",),
        organisationer=(("K-SOC", 3), ("PO", 2), ("R-PSY", 1), ("SF", 1)),
        weight=0.8,
        intro=(
            "Psykiatrin kräver att personen är drogfri innan behandling, medan beroendevården kräver att den psykiska ohälsan först är stabil.",
            "En person med samsjuklighet, beroende och psykisk ohälsa, skickas mellan psykiatrin och socialtjänstens beroendevård.",
            "Ingen tar ansvar för {person} som har både beroende och psykisk sjukdom.",
        ),
        details=(
            "Lagstiftningen om samordnade insatser vid samsjuklighet har inte lett till någon gemensam mottagning här ännu.",
            "Psykiatrin avslutade kontakten när personen återföll i missbruk.",
            "Socialtjänstens beroendeenhet anser att den psykiatriska diagnosen måste behandlas först.",
            "Det saknas en samordnad individuell plan, SIP, trots att personen har begärt det.",
        ),
        consequences=(
            "Personen med samsjuklighet får ingen behandling alls och tillståndet försämras.",
            "Risken för akuta inläggningar och vräkning ökar när varken psykiatrin eller beroendevården tar ansvar.",
            "Anhöriga och personligt ombud blir de enda som håller ihop vården.",
        ),
        suggestions=(
            "Region och kommun borde skapa en gemensam mottagning för personer med samsjuklighet.",
            "Kalla alltid till SIP när en person har både beroende och psykisk ohälsa.",
            "Klargör ansvarsfördelningen mellan psykiatrin och beroendevården i en gemensam överenskommelse.",
        ),
        feedback=(
            "Frågan om samsjuklighet och ansvarsfördelningen mellan psykiatri och beroendevård har lyfts till den regionala samverkansgruppen.",
            "Kommunen och regionen arbetar med en gemensam överenskommelse om samsjuklighet, och anmälningarna tas med i det arbetet.",
        ),
    ),
    Scenario(
        id="tolk-information",
        title="Tolk och information på andra språk saknas",
        problemtyp="P10",
        niva="N2",
        malgrupp=("M04",),
        aktorer=("AF", "FK"),
        extra_aktorer=("K-SOC", "R-VC"),
        organisationer=(("K-AME", 3), ("SF", 2), ("K-SOC", 2), ("PO", 1)),
        weight=0.8,
        intro=(
            "Personen fick inte tolk vid mötet med Arbetsförmedlingen och förstod inte vad som beslutades.",
            "Informationen om ersättning och krav finns bara på svenska och är svår att förstå för nyanlända.",
            "Beslutet från Försäkringskassan skickades på svenska utan tolk, och {person} missade att överklaga i tid.",
        ),
        details=(
            "Det tar flera veckor att boka tolk, så mötet hölls ändå utan tolk.",
            "Telefontolken fungerade dåligt och samtalet bröts flera gånger.",
            "Anhöriga fick agera tolk, vilket inte är lämpligt.",
            "Broschyrerna på andra språk är gamla och stämmer inte med dagens regler.",
        ),
        consequences=(
            "Personen missförstod kraven utan tolk och förlorade ersättning.",
            "Etableringen försenas eftersom den nyanlända inte vet vad som förväntas.",
            "Kommunens personal får lägga tid på att förklara myndigheternas beslut på andra språk.",
        ),
        suggestions=(
            "Myndigheterna borde samordna tolkbeställningen så att tolk alltid finns vid viktiga möten.",
            "Ta fram information på lättläst svenska och på de vanligaste språken om ersättningar och krav.",
            "Beslut bör förklaras muntligt med tolk när personen inte behärskar svenska.",
        ),
        feedback=(
            "Arbetsförmedlingen har påmint sina handläggare om rutinen för tolkbokning.",
            "Förbundet tar fram gemensam lättläst information om ersättningar på flera språk tillsammans med parterna.",
        ),
    ),
    Scenario(
        id="lonebidrag-drojer",
        title="Beslut om lönebidrag dröjer",
        problemtyp="P02",
        niva="N4",
        malgrupp=("M02", "M03"),
        aktorer=("AF",),
        extra_aktorer=("UPH",),
        organisationer=(("K-AME", 3), ("SF", 2), ("UPH", 1), ("R-HAB", 1)),
        weight=0.7,
        trend=1.05,
        intro=(
            "Beslutet om lönebidrag dröjde så länge att arbetsgivaren drog tillbaka erbjudandet om anställning.",
            "Handläggningen av lönestöd hos Arbetsförmedlingen tar {veckor} veckor, och arbetsgivaren kan inte vänta.",
            "En arbetsgivare vill anställa {person} med lönebidrag, men Arbetsförmedlingen har inte fattat beslut.",
        ),
        details=(
            "Arbetsförmedlingen har inte tid att besöka arbetsplatsen och göra den bedömning som krävs för lönebidrag.",
            "Det saknas en handläggare med ansvar för lönestöd i vårt område.",
            "Arbetsgivaren fick olika besked om villkoren för lönebidrag vid olika samtal.",
            "Deltagaren hade redan gjort en lyckad arbetsträning hos arbetsgivaren.",
        ),
        consequences=(
            "Deltagaren miste en anställning med lönebidrag och är tillbaka i ekonomiskt bistånd.",
            "Arbetsgivare tappar förtroendet och blir ovilliga att anställa med lönebidrag igen.",
            "Arbetet med att matcha deltagaren mot en anställning måste börja om.",
        ),
        suggestions=(
            "Arbetsförmedlingen borde ha en längsta handläggningstid för lönebidrag och en kontaktperson för arbetsgivare.",
            "Låt kommunens arbetsmarknadsenhet förbereda underlaget till beslut om lönebidrag.",
            "Inför ett snabbspår för lönestöd när arbetsträningen redan visat att anställningen fungerar.",
        ),
        feedback=(
            "Arbetsförmedlingen har förklarat att handläggningen av lönestöd har tagit längre tid och att en ny arbetsordning införs.",
            "Frågan om handläggningstiden för lönebidrag har lyfts med Arbetsförmedlingens regionala ledning.",
        ),
    ),
    Scenario(
        id="bostad-arbete",
        title="Moment 22 mellan bostad och arbete",
        problemtyp="P07",
        niva="N2",
        malgrupp=("M99", "M04", "M05"),
        aktorer=("K-SOC", "K-ANN"),
        extra_aktorer=("AF",),
        organisationer=(("K-SOC", 2), ("PO", 2), ("SF", 2), ("K-AME", 1)),
        weight=0.8,
        intro=(
            "Moment 22: för att få en bostad krävs en fast inkomst, och för att få ett arbete behövs en bostad och adress.",
            "Hyresvärden kräver anställning för att skriva kontrakt, medan arbetsgivaren vill ha en folkbokföringsadress och en stabil bostad.",
            "{person} utan bostad kan inte ta emot anställningen eftersom hen saknar adress.",
        ),
        details=(
            "Kommunens bostadssociala enhet har inga lediga lägenheter och hänvisar till den vanliga bostadskön.",
            "Ekonomiskt bistånd räknas inte som inkomst av hyresvärdarna.",
            "Personen bor tillfälligt hos bekanta och har ingen bostad eller fast adress.",
            "Socialtjänsten erbjuder bara akut härbärge, vilket gör det svårt att behålla en arbetsträning.",
        ),
        consequences=(
            "Personen fastnar i hemlöshet och kan inte ta nästa steg mot arbete.",
            "Arbetsträningen avbryts när bostaden inte är ordnad.",
            "Det blir ett moment 22 mellan bostad och arbete som ingen enskild part kan lösa.",
        ),
        suggestions=(
            "Kommunen och de kommunala bostadsbolagen bör ta fram försökslägenheter för personer på väg till arbete.",
            "Godta ekonomiskt bistånd som inkomst vid ansökan om bostad under en övergångsperiod.",
            "Skapa en gemensam rutin för bostad och arbete mellan socialtjänst, arbetsmarknadsenhet och bostadsbolag.",
        ),
        feedback=(
            "Frågan om bostad och arbete har lyfts till kommunens ledning och det kommunala bostadsbolaget.",
            "Styrelsen har tagit del av anmälningarna om bostad som moment 22 och bett kommunerna se över försökslägenheter.",
        ),
    ),
    Scenario(
        id="bemotande",
        title="Bristande bemötande",
        problemtyp="P05",
        niva="N1",
        malgrupp=("M03", "M02"),
        aktorer=("FK", "AF"),
        extra_aktorer=("K-SOC",),
        organisationer=(("PO", 3), ("K-SOC", 2), ("R-PSY", 2), ("SF", 1)),
        weight=0.7,
        trend=0.95,
        intro=(
            "Personen blev ifrågasatt och upplevde ett nedlåtande bemötande vid ett telefonsamtal med handläggaren.",
            "Bemötandet på mötet var så dåligt att {person} inte vill ha mer kontakt med myndigheten.",
            "Handläggaren pratade över huvudet på personen och vände sig bara till mig som följde med på mötet.",
        ),
        details=(
            "Personen har social ångest och var mycket orolig inför mötet med handläggaren.",
            "Handläggaren antydde att personen inte ville arbeta.",
            "Personen fick ingen möjlighet att ställa frågor eller ta paus under mötet.",
            "Ett skriftligt besked efter mötet upplevdes som ett hot om indragen ersättning.",
        ),
        consequences=(
            "Personen har avbokat fortsatta möten och tappat förtroendet för myndigheten efter bemötandet.",
            "Den psykiska ohälsan förvärrades efter mötet.",
            "Det blir svårare att motivera personen att ta emot stöd efter ett sådant bemötande.",
        ),
        suggestions=(
            "Handläggare behöver utbildning i bemötande av personer med psykisk ohälsa och NPF.",
            "Låt personen ha med sig ett stöd på mötet och planera mötet efter personens behov.",
            "Myndigheten bör följa upp klagomål om bemötande och återkoppla till den det gäller.",
        ),
        feedback=(
            "Berörd chef har fått information om anmälan om bemötande och tar upp den med sin personalgrupp.",
            "Förbundet erbjuder parterna en utbildning i bemötande av personer med psykisk ohälsa.",
        ),
    ),
    Scenario(
        id="handlaggarbyten",
        title="Ständiga byten av handläggare",
        problemtyp="P10",
        alt_problemtyp="P02",
        niva="N2",
        malgrupp=("M03",),
        aktorer=("FK", "AF"),
        organisationer=(("K-SOC", 2), ("SF", 2), ("R-PSY", 1), ("PO", 2)),
        weight=0.7,
        intro=(
            "Personen har haft fem olika handläggare på Försäkringskassan det senaste året och får börja om varje gång.",
            "Ständiga byten av handläggare på Arbetsförmedlingen gör att ingen känner till personens situation.",
            "Det går inte att nå handläggaren direkt; alla kontakter går via kundtjänst och {person} får en ny handläggare varje gång.",
        ),
        details=(
            "Planeringen som gjordes med förra handläggaren gäller inte längre.",
            "Information från tidigare möten har inte dokumenterats eller förts vidare till nästa handläggare.",
            "Vi som samverkanspart vet inte vilken handläggare vi ska kontakta.",
            "Handläggaren ringer från skyddat nummer och personen vågar inte svara.",
        ),
        consequences=(
            "Personen får berätta sin historia för varje ny handläggare, vilket är mycket påfrestande.",
            "Planerade insatser skjuts upp varje gång handläggaren byts.",
            "Samverkan blir personberoende och stannar av när en handläggare slutar.",
        ),
        suggestions=(
            "Myndigheterna bör säkerställa kontinuitet med en fast handläggare för personer med stora behov.",
            "Inför en funktionsbrevlåda eller en direkt kontaktväg för samverkanspartner.",
            "Ge personen besked om vem som är ny handläggare och vad som redan är planerat.",
        ),
        feedback=(
            "Försäkringskassan och Arbetsförmedlingen har svarat att de ser över kontinuiteten för personer med samordnade insatser.",
            "En kontaktlista med funktionsbrevlådor för samverkanspartner har tagits fram, så att det blir lättare att nå rätt handläggare.",
        ),
    ),
    Scenario(
        id="overgang-vuxenhabilitering",
        title="Övergången från barn till vuxen efter skolan",
        problemtyp="P06",
        niva="N3",
        malgrupp=("M01", "M02"),
        aktorer=("R-HAB", "K-ANN"),
        extra_aktorer=("AF", "FK"),
        organisationer=(("R-HAB", 3), ("K-ANN", 2), ("AF", 1), ("SF", 1)),
        weight=0.6,
        persons=("en ung man som just fyllt 19", "en ung kvinna", "en ungdom med autism"),
        intro=(
            "Övergången från barn- och ungdomshabiliteringen till vuxenhabiliteringen vid 18 år fungerar inte.",
            "När den anpassade gymnasieskolan tar slut finns ingen planerad fortsättning för {person}.",
            "Ungdomen har fyllt 18 och hamnat mellan barnhabiliteringen och vuxenhabiliteringen.",
        ),
        details=(
            "Vuxenhabiliteringen har en väntelista och tar inte emot förrän remissen är komplett.",
            "Ingen daglig verksamhet enligt LSS är beviljad, och Arbetsförmedlingen bedömer att arbete ligger för långt bort.",
            "Familjen har fått ta hela ansvaret för övergången själv.",
            "Ansökan om aktivitetsersättning kunde inte göras förrän skolan var slut.",
        ),
        consequences=(
            "Den unga vuxna sitter hemma utan sysselsättning efter skolan och tappar det som byggts upp.",
            "Föräldrarna tvingas gå ner i arbetstid för att ta hand om sin vuxna son eller dotter.",
            "Risken för isolering och psykisk ohälsa ökar kraftigt efter övergången.",
        ),
        suggestions=(
            "Planeringen av övergången till vuxenlivet bör börja senast vid 16 år med en gemensam SIP.",
            "Habiliteringen, skolan, kommunen och Arbetsförmedlingen bör ha en gemensam rutin för övergången efter skolan.",
            "Inför en kontaktperson som följer ungdomen genom övergången från barnhabilitering till vuxenhabilitering.",
        ),
        feedback=(
            "Region och kommuner har påbörjat en gemensam rutin för övergången från barn- till vuxenhabilitering.",
            "Frågan om övergången efter den anpassade gymnasieskolan har lyfts till den regionala samverkansgruppen.",
        ),
    ),
    Scenario(
        id="sekretess-samtycke",
        title="Sekretess och samtycke hindrar samverkan",
        problemtyp="P01",
        alt_problemtyp="P08",
        niva="N4",
        malgrupp=("M99", "M03"),
        aktorer=("FK", "K-SOC"),
        extra_aktorer=("AF", "R-VC"),
        organisationer=(("SF", 3), ("K-SOC", 2), ("AF", 2), ("R-VC", 1)),
        weight=0.8,
        intro=(
            "Sekretessen mellan myndigheterna hindrar oss från att samordna stödet, trots att personen vill att vi samverkar.",
            "Personen har lämnat samtycke, men Försäkringskassan godtar inte kommunens blankett för samtycke.",
            "Information om {person} delas inte mellan parterna eftersom det saknas ett gemensamt samtycke.",
        ),
        details=(
            "Varje myndighet kräver sin egen blankett för samtycke.",
            "Uppgifter från Arbetsförmedlingen kommer inte fram till socialtjänsten i tid på grund av sekretessen.",
            "Vi fick inte delta i mötet eftersom samtycket bara var muntligt.",
            "Ingen vet vilka uppgifter som får lämnas ut vid samverkan med samtycke.",
        ),
        consequences=(
            "Personen får lämna samma uppgifter till flera myndigheter eftersom sekretessen hindrar samverkan.",
            "Insatser planeras utan att alla parter vet vad de andra gör.",
            "Samverkansmöten får ställas in eller göras om när samtycket inte godtas.",
        ),
        suggestions=(
            "Ta fram en gemensam samtyckesblankett som alla parter godtar.",
            "Förbundet bör ta fram en vägledning om sekretess och samtycke vid samverkan.",
            "Låt personen lämna samtycke digitalt en gång för alla berörda parter.",
        ),
        feedback=(
            "Förbundet har tagit fram en gemensam samtyckesblankett som parterna nu prövar.",
            "Parternas jurister har gått igenom frågan om sekretess och samtycke, och en vägledning skickas ut.",
        ),
    ),
    Scenario(
        id="studier-csn",
        title="Studier med studiemedel går inte att kombinera med ersättning",
        problemtyp="P07",
        niva="N5",
        malgrupp=("M01", "M03"),
        aktorer=("MYN", "FK"),
        extra_aktorer=("K-AME", "K-SOC"),
        organisationer=(("K-AME", 2), ("SF", 2), ("K-SOC", 1), ("PO", 1), ("R-PSY", 1)),
        weight=0.6,
        intro=(
            "Personen vill studera på deltid för att komma vidare, men CSN kräver en viss studietakt och aktivitetsersättningen påverkas.",
            "Studiemedel från CSN och sjukskrivning går inte att kombinera för den som bara orkar studera på deltid.",
            "En ung vuxen fick återbetalningskrav från CSN efter att ha avbrutit studierna på grund av psykisk ohälsa.",
        ),
        details=(
            "CSN beviljade inte studiemedel för en studietakt under halvtid.",
            "Försäkringskassan drog in aktivitetsersättningen när studierna började.",
            "Ekonomiskt bistånd beviljas inte under studier.",
            "Ingen myndighet kunde svara på hur studiemedel och ersättningarna påverkar varandra.",
        ),
        consequences=(
            "Personen avstår från studier som hade kunnat leda till arbete.",
            "Skulden till CSN gör att personen inte kan få ett eget boende.",
            "Vägen till utbildning och studier stängs för dem som behöver gå långsamt fram.",
        ),
        suggestions=(
            "Regelverken för CSN och aktivitetsersättning borde samordnas så att studier på deltid blir möjliga.",
            "Inför möjlighet att studera i låg studietakt med bibehållen ersättning under en prövoperiod.",
            "CSN och Försäkringskassan bör ta fram gemensam information om studier och ersättning.",
        ),
        feedback=(
            "Frågan om studier med studiemedel från CSN och ersättning från Försäkringskassan rör lagstiftningen och har lyfts nationellt.",
            "Förbundet har tagit fram information om studier och ersättning tillsammans med CSN och Försäkringskassan.",
        ),
    ),
    Scenario(
        id="arbetsformaga-mellan-stolarna",
        title="Försäkringskassan och Arbetsförmedlingen bedömer arbetsförmågan olika",
        problemtyp="P07",
        alt_problemtyp="P08",
        niva="N5",
        alt_niva="N4",
        malgrupp=("M06", "M03"),
        aktorer=("FK", "AF"),
        extra_aktorer=("K-SOC", "R-VC"),
        organisationer=(("AF", 3), ("FK", 1), ("R-VC", 2), ("PO", 2), ("K-SOC", 1)),
        weight=1.2,
        intro=(
            "Försäkringskassan bedömer att personen har arbetsförmåga i ett normalt förekommande arbete, men Arbetsförmedlingen bedömer att hen inte kan ta del av några insatser.",
            "{person} har fallit mellan stolarna efter dag 180 i sjukskrivningen.",
            "Arbetsförmågan bedöms helt olika av Försäkringskassan och Arbetsförmedlingen.",
        ),
        details=(
            "Sjukpenningen drogs in efter prövningen av arbetsförmågan mot normalt förekommande arbete.",
            "Arbetsförmedlingen kan inte skriva in personen på heltid eftersom arbetsförmågan inte räcker.",
            "Den gemensamma kartläggningen av arbetsförmågan som parterna har avtalat om gjordes aldrig.",
            "Den behandlande läkaren anser fortfarande att personen saknar arbetsförmåga.",
        ),
        consequences=(
            "Personen står utan ersättning och utan insats, mellan stolarna.",
            "Personen tvingas söka ekonomiskt bistånd och kommunen får bära kostnaden.",
            "Ingen part tar helhetsansvar för arbetsförmågan och personen blir sjukare av osäkerheten.",
        ),
        suggestions=(
            "Försäkringskassan och Arbetsförmedlingen bör göra en gemensam kartläggning av arbetsförmågan innan sjukpenningen dras in.",
            "Begreppet normalt förekommande arbete behöver ses över i lagstiftningen.",
            "Inför en gemensam bedömning av arbetsförmåga som båda myndigheterna utgår från.",
        ),
        feedback=(
            "Frågan om bedömningen av arbetsförmåga hos Försäkringskassan och Arbetsförmedlingen har lyfts nationellt som ett återkommande mönster.",
            "Försäkringskassan och Arbetsförmedlingen lokalt har kommit överens om att pröva gemensamma kartläggningar av arbetsförmågan.",
        ),
    ),
    Scenario(
        id="fk-handlaggningstid-bistand",
        title="Lång handläggningstid hos Försäkringskassan ger ekonomiskt bistånd",
        problemtyp="P02",
        niva="N4",
        malgrupp=("M06",),
        aktorer=("FK", "K-SOC"),
        organisationer=(("K-SOC", 4), ("PO", 1), ("R-VC", 1)),
        weight=0.8,
        intro=(
            "Försäkringskassans handläggningstid för sjukpenning är så lång att personen måste söka ekonomiskt bistånd under tiden.",
            "Personen har väntat {veckor} veckor på beslut från Försäkringskassan och lever på försörjningsstöd.",
            "Socialtjänsten får gå in med försörjningsstöd medan Försäkringskassan handlägger ansökan om sjukersättning.",
        ),
        details=(
            "När beslutet från Försäkringskassan väl kom behövde socialtjänsten återkräva biståndet, vilket kräver mycket administration.",
            "Det går inte att få besked om när beslutet kommer.",
            "Försäkringskassan har begärt kompletteringar i flera omgångar och handläggningstiden förlängs.",
        ),
        consequences=(
            "Kommunen bär kostnader för försörjningsstöd som egentligen är statens ansvar.",
            "Personen skuldsätts och oroar sig för hyran under den långa handläggningstiden.",
            "Handläggare på socialtjänsten lägger tid på att bevaka Försäkringskassans handläggning.",
        ),
        suggestions=(
            "Försäkringskassan bör prioritera ärenden där personen saknar annan försörjning än försörjningsstöd.",
            "Inför en rutin där socialtjänsten kan få besked om beräknad handläggningstid hos Försäkringskassan.",
            "Gör det enklare att samordna utbetalningar mellan Försäkringskassan och socialtjänsten.",
        ),
        feedback=(
            "Försäkringskassan har informerats om handläggningstiderna och hur de påverkar försörjningsstödet.",
            "Frågan om långa handläggningstider har tagits upp i den lokala samverkan med Försäkringskassan.",
        ),
    ),
)
