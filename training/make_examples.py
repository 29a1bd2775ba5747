"""Write the example documents in examples/ (one per supported format).

The texts are written for the project; run `python training/make_examples.py`
to regenerate the files.
"""
from __future__ import annotations

from pathlib import Path

from samspil.testing import make_docx, make_html, make_odt, make_pdf, make_rtf, write

OUT = Path(__file__).resolve().parents[1] / "examples"

TXT = """Kultur- og Fritidsudvalget, Odder Kommune
Beslutningsprotokol, mødet den 14. marts

Punkt 4: Ansøgning om § 18-midler fra Besøgsvennerne i Hou

Sagsfremstilling
Besøgsvennerne i Hou søger 18.000 kr. til kørsel, kaffe og et kursus for nye frivillige. Foreningen har 23 frivillige, der hver uge besøger ældre, som bor alene. Plejecentret Solbakken henviser beboere, der ønsker besøg, og personalet deltager i foreningens introduktionsmøde for nye frivillige.

Indstilling
Forvaltningen indstiller, at foreningen bevilges 15.000 kr. af puljen til frivilligt socialt arbejde.

Beslutning
Godkendt.
"""

MD = """# Lektiecaféen flytter ind på biblioteket

*Nyhed fra Foreningen Fælles Fodfæste, september*

Fra 1. oktober holder vores lektiecafé til i studierummet på Nørrebro Bibliotek hver tirsdag og torsdag kl. 15-18. Biblioteket stiller rummet, stole og to bærbare computere til rådighed uden beregning, og bibliotekarerne hjælper med at finde bøger til opgaverne.

Samarbejdet er beskrevet i en aftale, som foreningen og biblioteket underskrev i sidste uge. Her står blandt andet, at foreningen stiller med mindst tre frivillige lektiehjælpere ad gangen, og at biblioteket sørger for låsning og rengøring.

Har du lyst til at være lektiehjælper? Skriv til os på frivillig@faellesfodfaeste.dk.
"""

HTML_TITLE = "Ny frivillighedspolitik bliver til sammen med foreningerne"
HTML = [
    "Viborg Kommune skal have en ny frivillighedspolitik, og den skal ikke skrives på rådhuset alene. Kommunen inviterer foreninger, frivillige og borgere til tre værksteder, hvor vi sammen formulerer, hvad politikken skal indeholde.",
    "Frivilligrådet er med i styregruppen på lige fod med forvaltningen, og de idéer, der kommer fra værkstederne, går direkte videre til byrådets behandling. Målet er, at foreningerne oplever politikken som deres egen.",
    "Værkstederne holdes i Tinghallen i april. Tilmelding sker på kommunens hjemmeside.",
]

DOCX = [
    "Driftsoverenskomst mellem Holbæk Kommune og den selvejende institution Værestedet Havnen",
    "§ 1. Formål. Værestedet Havnen driver et dagtilbud efter servicelovens § 104 for borgere med psykiske vanskeligheder. Tilbuddet drives på vegne af kommunen og efter kommunens kvalitetsstandard.",
    "§ 2. Økonomi. Kommunen betaler et årligt driftstilskud efter nedenstående tabel. Tilskuddet forudsætter, at institutionen leverer det aftalte antal åbningstimer og hvert kvartal indberetter antal besøgende.",
    "§ 3. Opfølgning. Institutionen udarbejder en årlig effektrapport med målinger af brugernes trivsel. Manglende dokumentation kan føre til nedsættelse af tilskuddet.",
    "§ 4. Opsigelse. Overenskomsten kan opsiges af begge parter med 6 måneders varsel.",
]
DOCX_TABLE = [["År", "Driftstilskud", "Åbningstimer pr. uge"], ["2025", "1.850.000 kr.", "38"], ["2026", "1.890.000 kr.", "38"]]

ODT_HEADING = "Høringssvar fra Frivilligrådet i Randers om budgetforslaget"
ODT = [
    "Frivilligrådet takker for muligheden for at afgive høringssvar.",
    "Vi er bekymrede over forslaget om at skære 20 procent af puljen til frivilligt socialt arbejde. Puljen er for mange små foreninger den eneste faste indtægt, og en besparelse vil ramme netop de foreninger, der når de mest udsatte borgere.",
    "Vi opfordrer udvalget til at fastholde puljen og til at inddrage Frivilligrådet, før der besluttes ændringer i tildelingskriterierne. Vi stiller os gerne til rådighed for et møde.",
]

RTF = [
    "Café Kvisten – en socialøkonomisk virksomhed",
    "Café Kvisten er en socialøkonomisk virksomhed, der driver kantine og mødeforplejning på Aalborg Rådhus. Cafeen er ejet af en forening, og overskuddet går til at skabe arbejdspladser for mennesker med handicap.",
    "Jobcentret køber praktikforløb i cafeen, og hver medarbejder i fleksjob har en fast mentor. Omkring halvdelen af holdet er frivillige pensionister, der arbejder side om side med lønnede kokke.",
]

PDF_HEADER = "Tidsskrift for Civilsamfundsforskning - Nr. 2"
PDF_PAGES = [
    [
        "Fra tilskud til kontrakt? Foreninger som leverandører af velfærd",
        "Flere kommuner har de seneste år flyttet støtten til frivillige sociale foreninger fra frie tilskud til kontrakter med krav om leverancer og dokumentation (Ibsen & Levinsen, 2019). Udviklingen beskrives som en markedsgørelse af velfærden, hvor foreningerne måles på effekt og antal forløb (Espersen m.fl., 2018, s. 45-47).",
        "Samtidig peger Hjære m.fl. (2018) på, at mange foreninger oplever krav om rapportering som en belastning, der trækker frivillige væk fra selve arbejdet med borgerne. Det gælder især de mindre foreninger, som ikke har lønnet personale (se fx Frederiksen, 2015; Socialstyrelsen, 2019).",
        "Artiklen bygger på interviews med 14 foreningsformænd i perioden (2018-2020) og på kommunernes tilskudsregler (jf. servicelovens § 18).",
    ],
    [
        "Litteratur",
        "Espersen, Helle Hygum m.fl. (2018). Understøttelse og udvikling af det frivillige sociale arbejde. København: VIVE.",
        "Frederiksen, Morten (2015). Tillid og frivillighed. Odense: Syddansk Universitetsforlag.",
        "Hjære, Mette m.fl. (2018). Tal om foreninger og frivillighed. Odense: Center for Frivilligt Socialt Arbejde.",
        "Ibsen, Bjarne & Levinsen, Klaus (2019). Foreninger og frivillige i samspil med kommunale institutioner og forvaltninger 2018. Odense: Syddansk Universitet.",
        "Socialstyrelsen (2019). Tendenser i det tværsektorielle samarbejde. Odense: Socialstyrelsen.",
    ],
]


def main() -> None:
    write(OUT / "beslutningsprotokol.txt", TXT.encode("cp1252"))  # an old Windows archive
    write(OUT / "lektiecafe.md", MD.encode("utf-8"))
    write(OUT / "frivillighedspolitik.html", make_html(HTML_TITLE, HTML))
    write(OUT / "driftsoverenskomst.docx", make_docx(DOCX, DOCX_TABLE))
    write(OUT / "hoeringssvar.odt", make_odt(ODT, ODT_HEADING))
    write(OUT / "cafe-kvisten.rtf", make_rtf(RTF))
    write(OUT / "artikel.pdf", make_pdf(PDF_PAGES, header=PDF_HEADER, footer="Side {page} af {pages}"))
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
