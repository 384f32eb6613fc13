"""The words the demo company is made of: names, segments, reasons (pt-BR).

Each list is a plain tuple so the generator can pick from it with numpy indices.
"""

from __future__ import annotations

import unicodedata

FIRST_NAMES = (
    "Ana", "Bruno", "Carla", "Daniel", "Eduarda", "Fernando", "Gabriela", "Henrique",
    "Isabela", "João", "Juliana", "Karina", "Lucas", "Mariana", "Marcos", "Natália",
    "Otávio", "Patrícia", "Rafael", "Renata", "Sérgio", "Tatiane", "Thiago", "Vanessa",
    "Vinícius", "Wagner", "Camila", "Diego", "Fabiana", "Gustavo", "Larissa", "Leandro",
    "Luana", "Maurício", "Priscila", "Rodrigo", "Simone", "Adriana", "Alexandre", "Beatriz",
    "Cláudio", "Débora", "Elaine", "Felipe", "Francisca", "Gilberto", "Helena", "Igor",
    "Jéssica", "José", "Letícia", "Márcia", "Paulo", "Raimunda", "Roberto", "Sandra",
    "Antônio", "Luiz", "Carlos", "Aline", "Cristiane", "Edson", "Fábio", "Regina",
)  # fmt: skip

SURNAMES = (
    "Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
    "Lima", "Gomes", "Costa", "Ribeiro", "Martins", "Carvalho", "Almeida", "Lopes",
    "Soares", "Fernandes", "Vieira", "Barbosa", "Rocha", "Dias", "Nascimento", "Andrade",
    "Moreira", "Nunes", "Marques", "Machado", "Mendes", "Freitas", "Cardoso", "Ramos",
    "Gonçalves", "Santana", "Teixeira", "Araújo", "Pinto", "Cavalcanti", "Moura", "Campos",
)  # fmt: skip

# segment: (share of clients, median ticket in R$, median days between purchases,
#           mean margin rate, trade-name prefixes)
SEGMENTS: dict[str, tuple[float, float, float, float, tuple[str, ...]]] = {
    "supermercados": (
        0.22, 2400.0, 9.0, 0.14,
        ("Supermercado", "Mercado", "Mercadinho", "Hipermercado", "Empório"),
    ),
    "farmácias": (0.15, 1300.0, 12.0, 0.24, ("Drogaria", "Farmácia", "Drogaria e Perfumaria")),
    "padarias": (0.18, 550.0, 8.0, 0.20, ("Padaria", "Panificadora", "Confeitaria")),
    "bares e restaurantes": (
        0.25, 480.0, 12.0, 0.22,
        ("Bar", "Restaurante", "Lanchonete", "Churrascaria", "Pizzaria", "Boteco"),
    ),
    "conveniência": (0.14, 380.0, 16.0, 0.26, ("Conveniência", "Minimercado", "Loja")),
    "atacado": (0.06, 11000.0, 15.0, 0.09, ("Atacadão", "Atacado", "Distribuidora")),
}  # fmt: skip

TRADE_NAME_WORDS = (
    "Bom Preço", "São Lucas", "Pão Quente", "Central", "Popular", "Estrela", "Boa Vista",
    "Santa Luzia", "Nossa Senhora", "do Povo", "Brasil", "Primavera", "Ideal", "Bela Vista",
    "Progresso", "Avenida", "da Praça", "do Bairro", "Família", "Real", "Nova Esperança",
    "São José", "Santo Antônio", "Bom Jesus", "Paraíso", "Jardim", "Vitória", "Aliança",
    "Sol Nascente", "Dois Irmãos", "Três Marias", "Recanto", "Cidade", "Esquina", "Sabor",
    "Trigo de Ouro", "Vila Nova", "Litoral", "Serra", "União",
)  # fmt: skip

LEGAL_ACTIVITY = {
    "supermercados": "Comércio de Alimentos",
    "farmácias": "Comércio de Medicamentos",
    "padarias": "Panificação",
    "bares e restaurantes": "Serviços de Alimentação",
    "conveniência": "Comércio Varejista",
    "atacado": "Comércio Atacadista",
}

LEGAL_FORMS = ("LTDA", "LTDA", "LTDA", "ME", "EIRELI", "EPP", "S.A.")

CONTACT_ROLES = ("comprador", "gerente", "proprietário", "financeiro", "gerente de loja")

CONTACT_SOURCES = ("cadastro ERP", "visita", "site", "telefone", "feira")

# Codes follow the workspace's default managed list (carteira.plans.defaults), so the
# demo's reasons land on the reasons a new workspace already has.
INACTIVITY_REASONS = (
    ("preco", "Preço ou condições comerciais"),
    ("concorrente", "Comprou da concorrência"),
    ("mudou-segmento", "Mudou de ramo ou de segmento"),
    ("fechou", "Empresa fechou ou encerrou atividades"),
    ("entrega", "Problemas de entrega ou logística"),
    ("credito", "Crédito bloqueado ou inadimplência"),
    ("estoque-alto", "Estoque alto / giro lento"),
    ("atendimento", "Insatisfação com o atendimento"),
)

INTERACTION_NOTES = (
    "Cliente pediu tabela atualizada.",
    "Apresentado o lançamento do mês.",
    "Comprador em férias, retornar semana que vem.",
    "Negociado prazo de 28 dias.",
    "Reclamou do frete.",
    "Pedido fechado por telefone.",
    "Sem retorno.",
    "Visita de rotina, estoque abastecido.",
    "Pediu visita do gestor.",
    "Enviado catálogo por WhatsApp.",
)

NEXT_STEPS = (
    "Ligar em 7 dias",
    "Enviar proposta",
    "Agendar visita",
    "Aguardar retorno do comprador",
    "",
)

COMPLAINT_CATEGORIES = (
    "Atraso na entrega",
    "Produto avariado",
    "Cobrança indevida",
    "Falta de produto",
    "Atendimento",
)

LEAD_LOST_REASONS = ("Preço", "Fechou com concorrente", "Sem interesse", "Sem crédito")


def slug(text: str, sep: str = "") -> str:
    """``"Bom Preço"`` → ``"bompreco"`` (ASCII, lower case) for e-mails and logins."""
    folded = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in folded if c.isascii() and (c.isalnum() or c == " "))
    return sep.join(ascii_text.lower().split())
